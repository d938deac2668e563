package io.pipelinelens.sensemaker.tracing.internal;

import java.util.List;
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
        String statusMessage,
        List<Event> events,
        List<Link> links) {

    SpanRecord {
        events = events == null ? List.of() : List.copyOf(events);
        links = links == null ? List.of() : List.copyOf(links);
    }

    SpanRecord(
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
        this(
                traceId,
                spanId,
                parentSpanId,
                name,
                kind,
                startEpochNanos,
                endEpochNanos,
                attributes,
                status,
                statusMessage,
                List.of(),
                List.of());
    }

    /** Something that happened during the span (a Kubernetes Event about its pod, TaskRun or PipelineRun). */
    record Event(String name, long epochNanos, Map<String, Object> attributes) {}

    /** A related span in this or another trace (a re-run's original, Tekton's own span). */
    record Link(String traceId, String spanId, Map<String, Object> attributes) {}

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
