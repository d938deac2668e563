package io.pipelinelens.sensemaker.tracing;

import java.time.Instant;

/** A span the trace collector refused for good, set aside so that the spans after it went on. */
public record RefusedSpan(String traceId, String spanId, String name, Instant refusedAt, String reason) {}
