package io.pipelinelens.sensemaker.tracing;

import java.time.Instant;

/**
 * A PipelineRun reached a terminal state and its span was recorded.
 *
 * @param result the OpenTelemetry {@code cicd.pipeline.result}: success, failure, error, timeout,
 *     cancellation or skip
 * @param message the reason Tekton gave, if any
 */
public record PipelineRunFinished(
        String uid,
        String namespace,
        String name,
        String pipeline,
        String result,
        String message,
        Instant startedAt,
        Instant completedAt,
        String traceId,
        String spanId,
        String repository,
        String branch,
        String revision) {}
