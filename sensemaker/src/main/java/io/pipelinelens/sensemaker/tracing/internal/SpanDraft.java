package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects one span's parts; times are the resources' own, with any stand-in marked. */
final class SpanDraft {

    static final String TIMING_FALLBACK = "pipelinelens.timing.fallback";

    private final String traceId;
    private final String spanId;
    private final String parentSpanId;
    private final String name;
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private final List<SpanRecord.Event> events = new ArrayList<>();
    private final List<SpanRecord.Link> links = new ArrayList<>();
    private final List<String> fallbacks = new ArrayList<>();
    private Instant start;
    private Instant end;
    private SpanRecord.Kind kind = SpanRecord.Kind.INTERNAL;
    private SpanRecord.Status status = SpanRecord.Status.UNSET;
    private String statusMessage;

    SpanDraft(String traceId, String spanId, String parentSpanId, String name) {
        this.traceId = traceId;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.name = name;
    }

    SpanDraft kind(SpanRecord.Kind spanKind) {
        this.kind = spanKind;
        return this;
    }

    SpanRecord.Status status() {
        return status;
    }

    SpanDraft start(Instant instant) {
        this.start = instant;
        return this;
    }

    /** Uses a stand-in start and says so on the span. */
    SpanDraft startFallback(Instant instant, String source) {
        this.start = instant;
        fallbacks.add("start=" + source);
        return this;
    }

    SpanDraft end(Instant instant) {
        this.end = instant;
        return this;
    }

    SpanDraft endFallback(Instant instant, String source) {
        this.end = instant;
        fallbacks.add("end=" + source);
        return this;
    }

    Instant start() {
        return start;
    }

    Instant end() {
        return end;
    }

    String spanId() {
        return spanId;
    }

    SpanDraft attribute(String key, Object value) {
        if (value instanceof String s && s.isBlank()) {
            return this;
        }
        if (value != null) {
            attributes.put(key, value);
        }
        return this;
    }

    SpanDraft event(String eventName, Instant at, Map<String, Object> eventAttributes) {
        events.add(new SpanRecord.Event(eventName, KubeObject.nanos(at), eventAttributes));
        return this;
    }

    SpanDraft link(String linkedTraceId, String linkedSpanId, Map<String, Object> linkAttributes) {
        links.add(new SpanRecord.Link(linkedTraceId, linkedSpanId, linkAttributes));
        return this;
    }

    SpanDraft error(String message) {
        this.status = SpanRecord.Status.ERROR;
        this.statusMessage = message == null ? "" : message;
        return this;
    }

    SpanRecord build() {
        if (start == null || end == null) {
            throw new IllegalStateException("span " + name + " has no " + (start == null ? "start" : "end"));
        }
        Instant effectiveEnd = end.isBefore(start) ? start : end;
        Map<String, Object> all = new LinkedHashMap<>(attributes);
        if (!fallbacks.isEmpty()) {
            all.put(TIMING_FALLBACK, String.join(",", fallbacks));
        }
        return new SpanRecord(
                traceId,
                spanId,
                parentSpanId,
                name,
                kind,
                KubeObject.nanos(start),
                KubeObject.nanos(effectiveEnd),
                all,
                status,
                statusMessage,
                events,
                links);
    }
}
