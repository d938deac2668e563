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

    /** The same span, starting later (a phase clipped to the span it splits). */
    SpanRecord startingAt(long epochNanos) {
        return new SpanRecord(
                traceId,
                spanId,
                parentSpanId,
                name,
                kind,
                epochNanos,
                Math.max(epochNanos, endEpochNanos),
                attributes,
                status,
                statusMessage,
                events,
                links);
    }

    /** The same span with one more attribute (nothing changes when the value is null). */
    SpanRecord withAttribute(String key, Object value) {
        if (value == null) {
            return this;
        }
        java.util.Map<String, Object> all = new java.util.LinkedHashMap<>(attributes);
        all.put(key, value);
        return new SpanRecord(
                traceId,
                spanId,
                parentSpanId,
                name,
                kind,
                startEpochNanos,
                endEpochNanos,
                all,
                status,
                statusMessage,
                events,
                links);
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
