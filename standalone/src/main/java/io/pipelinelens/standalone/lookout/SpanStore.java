package io.pipelinelens.standalone.lookout;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The most recent spans received over OTLP, newest last; older ones fall off beyond the capacity. */
public final class SpanStore {

    private static final HexFormat HEX = HexFormat.of();

    private final int capacity;
    private final Deque<ReceivedSpan> spans = new ArrayDeque<>();

    public SpanStore(int capacity) {
        this.capacity = capacity;
    }

    /** Keeps every span of an OTLP export request; returns how many there were. */
    public int accept(ExportTraceServiceRequest request) {
        List<ReceivedSpan> received = new ArrayList<>();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            String service = resourceSpans.getResource().getAttributesList().stream()
                    .filter(a -> a.getKey().equals("service.name"))
                    .map(a -> a.getValue().getStringValue())
                    .findFirst()
                    .orElse("");
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    received.add(decode(service, span));
                }
            }
        }
        synchronized (spans) {
            for (ReceivedSpan span : received) {
                spans.addLast(span);
                while (spans.size() > capacity) {
                    spans.removeFirst();
                }
            }
        }
        return received.size();
    }

    public List<ReceivedSpan> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    static ReceivedSpan decode(String service, Span span) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (KeyValue attribute : span.getAttributesList()) {
            attributes.put(attribute.getKey(), value(attribute.getValue()));
        }
        return new ReceivedSpan(
                HEX.formatHex(span.getTraceId().toByteArray()),
                HEX.formatHex(span.getSpanId().toByteArray()),
                HEX.formatHex(span.getParentSpanId().toByteArray()),
                span.getName(),
                service,
                instant(span.getStartTimeUnixNano()),
                instant(span.getEndTimeUnixNano()),
                span.getStatus().getCode().name(),
                attributes);
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }

    private static Object value(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> value.getBoolValue();
            case INT_VALUE -> value.getIntValue();
            case DOUBLE_VALUE -> value.getDoubleValue();
            case ARRAY_VALUE ->
                value.getArrayValue().getValuesList().stream()
                        .map(SpanStore::value)
                        .toList();
            default -> value.toString();
        };
    }
}
