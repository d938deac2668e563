package io.pipelinelens.sensemaker.tracing.internal;

import java.util.Map;

/**
 * A finished span as stored in PostgreSQL and exported over OTLP. Attribute values are strings,
 * longs, doubles or booleans.
 */
record SpanRecord(
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        Kind kind,
        long startEpochNanos,
        long endEpochNanos,
        Map<String, Object> attributes,
        Status status,
        String statusMessage) {

    enum Kind {
        INTERNAL,
        SERVER,
        CLIENT,
        PRODUCER,
        CONSUMER
    }

    enum Status {
        UNSET,
        OK,
        ERROR
    }
}
