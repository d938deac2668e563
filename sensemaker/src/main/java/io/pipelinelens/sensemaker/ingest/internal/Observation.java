package io.pipelinelens.sensemaker.ingest.internal;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.pipelinelens.contracts.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One harvester CloudEvent, parsed and checked against the catalog: everything that makes a
 * message unusable is found here, before it joins a batch, so that one bad message never holds up
 * the others.
 *
 * @param dataJson the data as it arrived, stored as it is (no second serialization)
 * @param object what a resource event is about; null for a webhook
 */
record Observation(
        String id,
        EventType type,
        String source,
        String subject,
        Instant time,
        JsonNode data,
        String dataJson,
        ObjectRef object) {

    /** The identity and version of the Kubernetes object a resource event carries. */
    record ObjectRef(
            String uid, String apiVersion, String kind, String namespace, String name, String resourceVersion) {}

    private static final JsonFormat FORMAT =
            (JsonFormat) EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    boolean deletion() {
        return type == EventType.RESOURCE_DELETED;
    }

    static Observation parse(byte[] body, JsonMapper json) {
        if (body == null || body.length == 0) {
            throw new InvalidObservation("empty message");
        }
        CloudEvent event;
        try {
            event = FORMAT.deserialize(body);
        } catch (EventDeserializationException | IllegalArgumentException | IllegalStateException e) {
            throw new InvalidObservation("not a structured-mode CloudEvent", e);
        }
        EventType type = EventType.of(event.getType())
                .filter(t -> t == EventType.RESOURCE_APPLIED
                        || t == EventType.RESOURCE_DELETED
                        || t == EventType.GIT_WEBHOOK_RECEIVED)
                .orElseThrow(() -> new InvalidObservation("type " + event.getType() + " is not an observation"));
        if (event.getData() == null) {
            throw new InvalidObservation("event " + event.getId() + " has no data");
        }
        byte[] raw = event.getData().toBytes();
        JsonNode data;
        try {
            data = json.readTree(raw);
        } catch (JacksonException e) {
            throw new InvalidObservation("data of event " + event.getId() + " is not JSON", e);
        }
        if (!data.isObject()) {
            throw new InvalidObservation("data of event " + event.getId() + " is not a JSON object");
        }
        String dataJson = new String(raw, StandardCharsets.UTF_8);
        Instant time = event.getTime() == null ? Instant.now() : event.getTime().toInstant();
        ObjectRef object = type == EventType.GIT_WEBHOOK_RECEIVED ? null : objectOf(event.getId(), data);
        return new Observation(
                event.getId(), type, event.getSource().toString(), event.getSubject(), time, data, dataJson, object);
    }

    private static ObjectRef objectOf(String eventId, JsonNode object) {
        JsonNode metadata = object.path("metadata");
        String uid = text(metadata, "uid");
        String resourceVersion = text(metadata, "resourceVersion");
        String kind = text(object, "kind");
        String apiVersion = text(object, "apiVersion");
        String name = text(metadata, "name");
        if (uid == null || resourceVersion == null || kind == null || apiVersion == null || name == null) {
            throw new InvalidObservation(
                    "event " + eventId
                            + " carries no Kubernetes object (apiVersion, kind, metadata.name, uid and resourceVersion are required)");
        }
        return new ObjectRef(uid, apiVersion, kind, text(metadata, "namespace"), name, resourceVersion);
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asString().isBlank() ? null : value.asString();
    }
}
