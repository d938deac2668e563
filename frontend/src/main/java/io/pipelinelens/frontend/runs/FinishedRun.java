package io.pipelinelens.frontend.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A finished pipeline run as the sensemaker reports it.
 *
 * @param result the OpenTelemetry {@code cicd.pipeline.result}: success, failure, error, timeout,
 *     cancellation or skip
 * @param exported whether the run's trace has been sent to the trace backend
 */
public record FinishedRun(
        String uid,
        String namespace,
        String name,
        String pipeline,
        String result,
        Instant startedAt,
        Instant completedAt,
        String traceId,
        String repository,
        String branch,
        String revision,
        boolean exported) {

    /** How long the run took, if both ends are known. */
    public Optional<Duration> duration() {
        if (startedAt == null || completedAt == null || completedAt.isBefore(startedAt)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(startedAt, completedAt));
    }
}
