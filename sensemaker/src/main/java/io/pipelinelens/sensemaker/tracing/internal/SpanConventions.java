package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** What every span builder does the same way (DESIGN §4): timing, failure, parameters, Events. */
final class SpanConventions {

    private SpanConventions() {}

    /** A node's own span: its deterministic ids, under its parent. */
    static SpanDraft draft(LineageNode node, String name) {
        return new SpanDraft(node.traceId(), node.spanId(), node.parentSpanId().orElse(null), name);
    }

    /**
     * A resource's span starts when the resource was created (it contains everything the resource
     * went through, its phases split it), or when it started if that is earlier or creation is
     * unknown; it ends when the resource completed, else when it was last observed (marked).
     */
    static void timing(
            SpanDraft span,
            KubeObject object,
            Optional<Instant> started,
            Optional<Instant> completed,
            Snapshot snapshot) {
        Optional<Instant> created = object.creationTimestamp();
        Optional<Instant> start = created.isPresent() && started.isPresent()
                ? Optional.of(started.get().isBefore(created.get()) ? started.get() : created.get())
                : created.or(() -> started);
        if (start.isPresent()) {
            span.start(start.get());
        } else {
            span.startFallback(snapshot.observedAt(), "observed");
        }
        if (completed.isPresent()) {
            span.end(completed.get());
        } else {
            span.endFallback(snapshot.observedAt(), "observed");
        }
        if (span.end().isBefore(span.start())) {
            span.end(span.start());
        }
    }

    /** Failed, errored and timed-out work is ERROR with the reason, and {@code error.type}. */
    static void failure(SpanDraft span, String result, String reason, String message) {
        if (!failed(result)) {
            return;
        }
        span.attribute("error.type", reason == null ? result : reason);
        span.error(reason == null ? message : message == null ? reason : reason + ": " + message);
    }

    static boolean failed(String result) {
        return "failure".equals(result) || "error".equals(result) || "timeout".equals(result);
    }

    static void params(SpanDraft span, JsonNode params) {
        Map<String, String> values = new LinkedHashMap<>();
        for (JsonNode param : params) {
            String name = param.path("name").asString("");
            JsonNode value = param.path("value");
            String text = value.isString() ? value.asString() : value.isMissingNode() ? "" : value.toString();
            if (!name.isBlank() && !text.isBlank()) {
                values.put(name, text);
            }
        }
        values.forEach((name, value) -> span.attribute("tekton.param." + name, Redaction.value(name, value)));
    }

    /** The OpenTelemetry result of a Tekton run from its Succeeded condition. */
    static String result(KubeObject object) {
        JsonNode condition = object.condition("Succeeded");
        if ("True".equals(condition.path("status").asString(""))) {
            return "success";
        }
        return switch (condition.path("reason").asString("")) {
            case "Failed" -> "failure";
            case "TaskRunTimeout", "PipelineRunTimeout", "Timeout" -> "timeout";
            case "TaskRunCancelled", "Cancelled", "PipelineRunCancelled" -> "cancellation";
            default -> "error";
        };
    }

    /**
     * The Kubernetes Events about the span's object as span events, oldest first (ties by uid, so
     * that every replica writes the same span).
     */
    static void kubernetesEvents(SpanDraft span, List<Snapshot> events) {
        List<KubeObject> ordered = events.stream()
                .sorted(Comparator.comparing((Snapshot e) ->
                                eventTime(new KubeObject(e.body())).orElse(Instant.EPOCH))
                        .thenComparing(Snapshot::uid))
                .map(e -> new KubeObject(e.body()))
                .toList();
        for (KubeObject event : ordered) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            putText(attributes, "k8s.event.reason", KubeObject.text(event.path("reason")));
            putText(attributes, "k8s.event.message", KubeObject.text(event.path("message")));
            putText(attributes, "k8s.event.type", KubeObject.text(event.path("type")));
            putText(attributes, "k8s.container.field_path", KubeObject.text(event.path("involvedObject", "fieldPath")));
            if (event.path("count").isNumber()) {
                attributes.put("k8s.event.count", event.path("count").asLong());
            }
            eventTime(event)
                    .ifPresent(at -> span.event(first(KubeObject.text(event.path("reason")), "Event"), at, attributes));
        }
    }

    static Optional<Instant> eventTime(KubeObject event) {
        return KubeObject.instant(event.path("eventTime"))
                .or(() -> KubeObject.instant(event.path("firstTimestamp")))
                .or(() -> KubeObject.instant(event.path("lastTimestamp")))
                .or(event::creationTimestamp);
    }

    static void putText(Map<String, Object> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, value);
        }
    }

    static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
