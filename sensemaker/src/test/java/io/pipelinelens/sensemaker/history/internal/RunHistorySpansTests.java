package io.pipelinelens.sensemaker.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.sensemaker.history.HistoricRun.Failure;
import io.pipelinelens.sensemaker.tracing.TraceView;
import io.pipelinelens.sensemaker.tracing.TraceView.SpanView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a run's stored spans tell the history: creation, tasks with waiting and running, failure. */
class RunHistorySpansTests {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void readsTheTasksTheirWaitingAndWhereTheRunFailed() {
        TraceView trace = new TraceView(
                "trace",
                List.of(
                        span(
                                "run",
                                null,
                                "RUN build",
                                0,
                                600,
                                "ERROR",
                                null,
                                Map.of("cicd.pipeline.run.url.full", "https://dashboard/#/runs/1")),
                        span("pending", "run", "pending", 0, 20, "UNSET", null, Map.of()),
                        span(
                                "t1",
                                "run",
                                "TASK build",
                                20,
                                300,
                                "OK",
                                null,
                                Map.of("cicd.pipeline.task.name", "build", "cicd.pipeline.task.run.result", "success")),
                        span("q1", "t1", "queued", 20, 50, "UNSET", null, Map.of()),
                        span("p1", "t1", "image pull", 50, 80, "UNSET", null, Map.of()),
                        span(
                                "t2",
                                "run",
                                "TASK test",
                                300,
                                590,
                                "ERROR",
                                "Failed: step test exited",
                                Map.of(
                                        "cicd.pipeline.task.name", "test",
                                        "cicd.pipeline.task.run.result", "failure",
                                        "error.type", "Failed")),
                        span("pod2", "t2", "POD test", 310, 590, "ERROR", "oom", Map.of("error.type", "OOMKilled")),
                        span(
                                "s2",
                                "pod2",
                                "STEP unit",
                                320,
                                589,
                                "ERROR",
                                "exit code 137",
                                Map.of("process.exit.code", 137L, "error.type", "OOMKilled")),
                        span(
                                "skipped",
                                "run",
                                "TASK deploy",
                                600,
                                600,
                                "UNSET",
                                null,
                                Map.of("cicd.pipeline.task.name", "deploy", "cicd.pipeline.task.run.result", "skip")),
                        span("other", null, "RUN other", 0, 10, "OK", null, Map.of())));

        RunSpans spans = RunSpans.of(trace, "run");

        assertThat(spans.created()).contains(T);
        assertThat(spans.url()).contains("https://dashboard/#/runs/1");
        assertThat(spans.tasks()).containsOnlyKeys("build", "test");
        RunSpans.Task build = spans.tasks().get("build");
        assertThat(build.result()).isEqualTo("success");
        assertThat(build.timing()).isEqualTo(new Timing(Duration.ofSeconds(60), Duration.ofSeconds(220)));
        assertThat(spans.tasks().get("test").result()).isEqualTo("failure");
        assertThat(spans.failure())
                .contains(new Failure("test", "unit", "OOMKilled", 137L, "Failed: step test exited"));
    }

    @Test
    void aRunWhoseSpanIsNotStoredTellsNothing() {
        assertThat(RunSpans.of(new TraceView("trace", List.of()), "run")).isEqualTo(RunSpans.NONE);
    }

    private static SpanView span(
            String id,
            String parent,
            String name,
            long startSeconds,
            long endSeconds,
            String status,
            String message,
            Map<String, Object> attributes) {
        return new SpanView(
                id, parent, name, T.plusSeconds(startSeconds), T.plusSeconds(endSeconds), status, message, attributes);
    }
}
