package io.pipelinelens.harvester.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.contracts.ResourceEvents.Action;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.harvester.publish.Publication;
import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Turns one observed change of a Kubernetes object into its CloudEvent, per the wire contract. */
public class ResourceEventFactory {

    private final ObjectMapper json;
    private final ResourceTrimmer trimmer;
    private final URI source;
    private final Clock clock;

    public ResourceEventFactory(ObjectMapper json, HarvesterProperties properties, Clock clock) {
        this.json = json;
        this.trimmer = new ResourceTrimmer(json, properties.trim());
        this.source = URI.create(ResourceEvents.source(properties.cluster()));
        this.clock = clock;
    }

    /** The event plus whether its object had to be trimmed to fit. */
    public record Built(Publication publication, boolean trimmed) {}

    /**
     * @param objectJson the object as the API served it
     * @param kind the watched kind, whose apiVersion and kind fill in what list items may omit
     */
    public Built build(Action action, String objectJson, HarvesterProperties.Kind kind) {
        ObjectNode object = parse(objectJson);
        if (!object.hasNonNull("apiVersion")) {
            object.put("apiVersion", kind.apiVersion());
        }
        if (!object.hasNonNull("kind")) {
            object.put("kind", kind.kind());
        }
        JsonNode metadata = object.path("metadata");
        String apiVersion = object.get("apiVersion").asText();
        String kindName = object.get("kind").asText();
        ResourceTrimmer.Trimmed trimmed = trimmer.trim(object);
        CloudEventBuilder event = CloudEventBuilder.v1()
                .withId(ResourceEvents.id(action, text(metadata, "uid"), text(metadata, "resourceVersion")))
                .withSource(source)
                .withType(action.type().type())
                .withSubject(ResourceEvents.subject(
                        apiVersion, kindName, text(metadata, "namespace"), text(metadata, "name")))
                .withTime(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(JsonCloudEventData.wrap(trimmed.object()));
        if (trimmed.trimmed()) {
            event.withExtension(ResourceEvents.TRIMMED_EXTENSION, true);
        }
        CloudEvent built = event.build();
        return new Built(
                new Publication(built, ResourceEvents.routingKey(action, kindName), kind.key(), text(metadata, "uid")),
                trimmed.trimmed());
    }

    private ObjectNode parse(String objectJson) {
        try {
            return (ObjectNode) json.readTree(objectJson);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("Not a Kubernetes object: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
