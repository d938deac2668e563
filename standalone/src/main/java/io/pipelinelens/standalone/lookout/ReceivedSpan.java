package io.pipelinelens.standalone.lookout;

import java.time.Instant;
import java.util.Map;

/** A span as the built-in OTLP receiver decoded it; ids are lower-case hex, parent empty for a root. */
public record ReceivedSpan(
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        String service,
        Instant start,
        Instant end,
        String status,
        Map<String, Object> attributes) {}
