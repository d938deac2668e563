package io.pipelinelens.sensemaker.tracing;

import java.time.Instant;

/** A finished run as stored, with where its trace is. */
public record RunSummary(
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
        boolean exported) {}
