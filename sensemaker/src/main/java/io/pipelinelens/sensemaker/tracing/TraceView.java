package io.pipelinelens.sensemaker.tracing;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A trace as stored: its id and its spans, ordered by start time.
 *
 * @param spans every recorded span of the trace; a span whose parent is not recorded (yet) is a
 *     root of the tree
 */
public record TraceView(String traceId, List<SpanView> spans) {

    private static final Comparator<SpanView> BY_START =
            Comparator.comparing(SpanView::start).thenComparing(SpanView::spanId);

    public TraceView {
        spans = spans.stream().sorted(BY_START).toList();
    }

    /** Spans with no recorded parent, earliest first: one when the trace is complete. */
    public List<SpanView> roots() {
        Set<String> ids = spans.stream().map(SpanView::spanId).collect(Collectors.toSet());
        return spans.stream()
                .filter(s -> s.parentSpanId() == null || !ids.contains(s.parentSpanId()))
                .toList();
    }

    /**
     * The root of the tree: the span without a parent, or while the trace is being assembled (its
     * git event span is recorded last) the earliest span whose parent is not recorded yet.
     */
    public Optional<SpanView> root() {
        List<SpanView> roots = roots();
        return roots.stream()
                .filter(s -> s.parentSpanId() == null)
                .findFirst()
                .or(() -> roots.stream().findFirst());
    }

    /** The direct children of a span, earliest first. */
    public List<SpanView> childrenOf(String spanId) {
        return spans.stream().filter(s -> spanId.equals(s.parentSpanId())).toList();
    }

    /**
     * One span. Times keep the nanoseconds they were recorded with.
     *
     * @param status the OpenTelemetry status code: UNSET, OK or ERROR
     * @param attributes string, long, double or boolean values by key
     */
    public record SpanView(
            String spanId,
            String parentSpanId,
            String name,
            Instant start,
            Instant end,
            String status,
            String statusMessage,
            Map<String, Object> attributes) {

        public SpanView {
            attributes = attributes == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }
    }
}
