package io.pipelinelens.sensemaker.status.internal;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.StatusEvents;
import io.pipelinelens.sensemaker.tracing.PipelineRunFinished;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the CDEvents CloudEvents the status topic carries. The id is deterministic and the time is
 * the fact's own, so building the same fact twice gives the same bytes.
 */
@Component
class CdEvents {

    static final String CDEVENTS_SPEC = "0.5.1";

    private final StatusProperties properties;
    private final JsonMapper json;

    CdEvents(StatusProperties properties, JsonMapper json) {
        this.properties = properties;
        this.json = json;
    }

    /** A CDEvents {@code pipelinerun.finished}, keyed by the run's namespace and pipeline. */
    StatusEvent pipelineRunFinished(PipelineRunFinished run) {
        EventType type = EventType.PIPELINERUN_FINISHED;
        String id = StatusEvents.id(run.uid(), type);
        String source = StatusEvents.source(properties.cluster());
        String subject = run.namespace() + "/" + run.name();
        Instant time = run.completedAt();

        ObjectNode cdevent = json.createObjectNode();
        ObjectNode context = cdevent.putObject("context");
        context.put("specversion", CDEVENTS_SPEC);
        context.put("id", id);
        context.put("source", source);
        context.put("type", type.type());
        context.put("timestamp", time.toString());
        ObjectNode subjectNode = cdevent.putObject("subject");
        subjectNode.put("id", subject);
        subjectNode.put("source", source);
        ObjectNode content = subjectNode.putObject("content");
        content.put("pipelineName", run.pipeline());
        content.put("uri", traceUrl(run.traceId()));
        content.put("outcome", outcome(run.result()));
        if (run.message() != null && !"success".equals(run.result())) {
            content.put("errors", run.message());
        }
        ObjectNode custom = cdevent.putObject("customData");
        custom.put("namespace", run.namespace());
        custom.put("pipelineRun", run.name());
        custom.put("runUid", run.uid());
        custom.put("result", run.result());
        custom.put("startTime", run.startedAt().toString());
        custom.put("completionTime", run.completedAt().toString());
        custom.put(
                "durationMs", run.completedAt().toEpochMilli() - run.startedAt().toEpochMilli());
        custom.put("traceId", run.traceId());
        putIfPresent(custom, "repository", run.repository());
        putIfPresent(custom, "branch", run.branch());
        putIfPresent(custom, "revision", run.revision());
        cdevent.put("customDataContentType", "application/json");

        CloudEvent event = CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create(source))
                .withType(type.type())
                .withSubject(subject)
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(json.writeValueAsBytes(cdevent))
                .build();
        byte[] value = EventFormatProvider.getInstance()
                .resolveFormat(JsonFormat.CONTENT_TYPE)
                .serialize(event);

        return new StatusEvent(StatusEvents.key(run.namespace(), run.pipeline()), id, type.type(), time, value);
    }

    private String traceUrl(String traceId) {
        return properties.status().traceUrlTemplate().replace("{traceId}", traceId);
    }

    /** CDEvents knows success, failure and error; the precise result travels in customData. */
    private static String outcome(String result) {
        return switch (result) {
            case "success" -> "success";
            case "failure", "timeout" -> "failure";
            default -> "error";
        };
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }
}
