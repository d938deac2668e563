package io.pipelinelens.sensemaker.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A finished run as the history knows it.
 *
 * @param repository the clone URL, or null when the run names none
 * @param branch the branch as Lighthouse names it, or null
 * @param result the OpenTelemetry {@code cicd.pipeline.result}
 * @param createdAt when the PipelineRun was created; waiting is created → started
 * @param url the run in the Tekton dashboard ({@code cicd.pipeline.run.url.full} of its span), or null
 * @param failure the failed task and step with the reason, when the run failed and its spans tell
 */
public record HistoricRun(
        String uid,
        String namespace,
        String name,
        String pipeline,
        String repository,
        String branch,
        String revision,
        String result,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        String traceId,
        String url,
        Optional<Failure> failure) {

    public HistoricRun {
        failure = failure == null ? Optional.empty() : failure;
    }

    /** Created → completed: the time a person waited for the run. */
    public Duration duration() {
        return Duration.between(createdAt, completedAt);
    }

    /**
     * Where a run failed, as far as its spans tell.
     *
     * @param task the pipeline task that failed first
     * @param step the step that exited non-zero, if known
     * @param reason the reason Kubernetes or Tekton gave ({@code OOMKilled}, {@code Failed}, ...)
     * @param exitCode the step's exit code, if known
     * @param message the task's status message, if any
     */
    public record Failure(String task, String step, String reason, Long exitCode, String message) {}
}
