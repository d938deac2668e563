package io.pipelinelens.sensemaker.history.internal;

import io.pipelinelens.sensemaker.history.HistoricRun.Failure;
import io.pipelinelens.sensemaker.tracing.TraceView;
import io.pipelinelens.sensemaker.tracing.TraceView.SpanView;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the stored spans of a run tell the history: when the run was created, its tasks with their
 * waiting and running time, and where it failed. Pure.
 *
 * @param created the run span's start (the PipelineRun's creation), if recorded
 * @param url the run in the Tekton dashboard, if its span has the link
 * @param tasks by pipeline task, in the order they completed; skipped tasks are left out
 */
record RunSpans(Optional<Instant> created, Optional<String> url, Map<String, Task> tasks, Optional<Failure> failure) {

    /** Phases of a task before its first step ran. */
    static final Set<String> WAITING_PHASES = Set.of("queued", "image pull", "container creation");

    /** One task run: its result, when it completed, how long it waited and ran. */
    record Task(String name, String result, Instant completedAt, Timing timing) {}

    static final RunSpans NONE = new RunSpans(Optional.empty(), Optional.empty(), Map.of(), Optional.empty());

    /** The spans under the run span {@code runSpanId} of the trace; none when it is not recorded. */
    static RunSpans of(TraceView trace, String runSpanId) {
        Optional<SpanView> run =
                trace.spans().stream().filter(s -> s.spanId().equals(runSpanId)).findFirst();
        if (run.isEmpty()) {
            return NONE;
        }
        List<SpanView> taskSpans = trace.childrenOf(runSpanId).stream()
                .filter(s -> s.name().startsWith("TASK "))
                .filter(s -> !"skip".equals(s.attributes().get("cicd.pipeline.task.run.result")))
                .sorted(Comparator.comparing(SpanView::end))
                .toList();
        Map<String, Task> tasks = new LinkedHashMap<>();
        for (SpanView span : taskSpans) {
            String name = text(span.attributes().get("cicd.pipeline.task.name"))
                    .orElse(span.name().substring("TASK ".length()));
            Duration total = Duration.between(span.start(), span.end());
            Duration waiting = trace.childrenOf(span.spanId()).stream()
                    .filter(c -> WAITING_PHASES.contains(c.name()))
                    .map(c -> Duration.between(c.start(), c.end()))
                    .reduce(Duration.ZERO, Duration::plus);
            waiting = waiting.compareTo(total) > 0 ? total : waiting;
            String result = text(span.attributes().get("cicd.pipeline.task.run.result"))
                    .orElse("ERROR".equals(span.status()) ? "failure" : "success");
            tasks.put(name, new Task(name, result, span.end(), new Timing(waiting, total.minus(waiting))));
        }
        Optional<Failure> failure = taskSpans.stream()
                .filter(s -> "ERROR".equals(s.status()))
                .findFirst()
                .map(s -> failure(trace, s));
        return new RunSpans(
                Optional.of(run.get().start()),
                text(run.get().attributes().get("cicd.pipeline.run.url.full")),
                tasks,
                failure);
    }

    /** The failed task, the step under it (directly or under its pod) that failed, and why. */
    private static Failure failure(TraceView trace, SpanView task) {
        String name = text(task.attributes().get("cicd.pipeline.task.name"))
                .orElse(task.name().substring("TASK ".length()));
        Optional<SpanView> step = trace.spans().stream()
                .filter(s -> s.name().startsWith("STEP ") && "ERROR".equals(s.status()))
                .filter(s -> task.spanId().equals(s.parentSpanId()) || underPodOf(trace, s, task))
                .min(Comparator.comparing(SpanView::end));
        Optional<SpanView> pod = trace.childrenOf(task.spanId()).stream()
                .filter(s -> s.name().startsWith("POD ") && "ERROR".equals(s.status()))
                .findFirst();
        String reason = step.flatMap(s -> text(s.attributes().get("error.type")))
                .or(() -> pod.flatMap(p -> text(p.attributes().get("error.type"))))
                .or(() -> text(task.attributes().get("error.type")))
                .orElse(null);
        Long exit = step.map(s -> s.attributes().get("process.exit.code"))
                .filter(Number.class::isInstance)
                .map(n -> ((Number) n).longValue())
                .orElse(null);
        return new Failure(
                name,
                step.map(s -> s.name().substring("STEP ".length())).orElse(null),
                reason,
                exit,
                task.statusMessage());
    }

    private static boolean underPodOf(TraceView trace, SpanView step, SpanView task) {
        return trace.childrenOf(task.spanId()).stream()
                .anyMatch(p -> p.name().startsWith("POD ") && p.spanId().equals(step.parentSpanId()));
    }

    private static Optional<String> text(Object value) {
        return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString());
    }
}
