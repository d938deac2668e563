package io.pipelinelens.sensemaker.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.Map;

/**
 * A stored span in the OpenTelemetry SDK's export model. The SDK's tracer cannot take our
 * deterministic ids and the resources' own timestamps, so spans are built as data and handed to
 * the SDK's exporters directly.
 */
record StoredSpanData(SpanRecord span, Resource resource, InstrumentationScopeInfo scope) implements SpanData {

    @Override
    public String getName() {
        return span.name();
    }

    @Override
    public SpanKind getKind() {
        return SpanKind.valueOf(span.kind().name());
    }

    @Override
    public SpanContext getSpanContext() {
        return SpanContext.create(span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
    }

    @Override
    public SpanContext getParentSpanContext() {
        return span.parentSpanId() == null
                ? SpanContext.getInvalid()
                : SpanContext.create(
                        span.traceId(), span.parentSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
    }

    @Override
    public StatusData getStatus() {
        return switch (span.status()) {
            case ERROR -> StatusData.create(StatusCode.ERROR, span.statusMessage() == null ? "" : span.statusMessage());
            case OK -> StatusData.ok();
            case UNSET -> StatusData.unset();
        };
    }

    @Override
    public long getStartEpochNanos() {
        return span.startEpochNanos();
    }

    @Override
    public Attributes getAttributes() {
        return attributes(span.attributes());
    }

    private static Attributes attributes(Map<String, Object> values) {
        AttributesBuilder builder = Attributes.builder();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            switch (e.getValue()) {
                case Boolean b -> builder.put(AttributeKey.booleanKey(e.getKey()), b);
                case Integer i -> builder.put(AttributeKey.longKey(e.getKey()), i.longValue());
                case Long l -> builder.put(AttributeKey.longKey(e.getKey()), l);
                case Number n -> builder.put(AttributeKey.doubleKey(e.getKey()), n.doubleValue());
                case null -> {}
                default ->
                    builder.put(AttributeKey.stringKey(e.getKey()), e.getValue().toString());
            }
        }
        return builder.build();
    }

    @Override
    public List<EventData> getEvents() {
        return span.events().stream()
                .<EventData>map(e -> EventData.create(e.epochNanos(), e.name(), attributes(e.attributes())))
                .toList();
    }

    @Override
    public List<LinkData> getLinks() {
        return span.links().stream()
                .<LinkData>map(l -> LinkData.create(
                        SpanContext.create(l.traceId(), l.spanId(), TraceFlags.getSampled(), TraceState.getDefault()),
                        attributes(l.attributes())))
                .toList();
    }

    @Override
    public long getEndEpochNanos() {
        return span.endEpochNanos();
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public int getTotalRecordedEvents() {
        return span.events().size();
    }

    @Override
    public int getTotalRecordedLinks() {
        return span.links().size();
    }

    @Override
    public int getTotalAttributeCount() {
        return span.attributes().size();
    }

    @Override
    @SuppressWarnings("deprecation")
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public Resource getResource() {
        return resource;
    }
}
