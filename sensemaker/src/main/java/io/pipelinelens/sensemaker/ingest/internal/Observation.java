package io.pipelinelens.sensemaker.ingest.internal;

import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.Limits;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
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

    boolean deletion() {
        return type == EventType.RESOURCE_DELETED;
    }

    /**
     * The application's JSON factory, bounded at the nesting depth the harvester checks webhooks
     * against ({@link Limits#MAX_JSON_DEPTH}), so that the two cannot drift apart with a setting or
     * a Jackson upgrade.
     */
    static JsonMapper parser(JsonMapper application) {
        JsonFactory factory = (JsonFactory) application.tokenStreamFactory();
        StreamReadConstraints bounded = factory.streamReadConstraints()
                .rebuild()
                .maxNestingDepth(Limits.MAX_JSON_DEPTH)
                .build();
        return JsonMapper.builder(
                        factory.rebuild().streamReadConstraints(bounded).build())
                .build();
    }

    /**
     * Reads a structured-mode CloudEvent (JSON format, CloudEvents 1.0) in one pass: the envelope
     * and its JSON data are one document, so there is no need for a second parse of the data.
     */
    static Observation parse(byte[] body, JsonMapper json) {
        if (body == null || body.length == 0) {
            throw new InvalidObservation("empty message");
        }
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new InvalidObservation("the event is beyond what the sensemaker reads", e);
        } catch (JacksonException e) {
            throw new InvalidObservation("not a structured-mode CloudEvent", e);
        }
        if (event == null || !event.isObject()) {
            throw new InvalidObservation("not a structured-mode CloudEvent: not a JSON object");
        }
        if (!"1.0".equals(text(event, "specversion"))) {
            throw new InvalidObservation("not a structured-mode CloudEvent: specversion 1.0 is required");
        }
        String id = required(event, "id");
        StorageLimits.checkId(id);
        String source = required(event, "source");
        String typeName = required(event, "type");
        EventType type = EventType.of(typeName)
                .filter(t -> t == EventType.RESOURCE_APPLIED
                        || t == EventType.RESOURCE_DELETED
                        || t == EventType.GIT_WEBHOOK_RECEIVED)
                .orElseThrow(() -> new InvalidObservation("type " + typeName + " is not an observation"));
        String contentType = text(event, "datacontenttype");
        if (contentType != null && !contentType.startsWith("application/json") && !contentType.contains("+json")) {
            throw new InvalidObservation("data of event " + id + " is " + contentType + ", not JSON");
        }
        JsonNode data = data(event, id, json);
        if (!data.isObject()) {
            throw new InvalidObservation("data of event " + id + " is not a JSON object");
        }
        Instant time = time(event, id);
        ObjectRef object = type == EventType.GIT_WEBHOOK_RECEIVED ? null : objectOf(id, data);
        StorageLimits.checkText(id, event, "");
        if (data != event.get("data")) {
            StorageLimits.checkText(id, data, "data");
        }
        if (object == null) {
            StorageLimits.checkWebhookKeys(id, data);
        } else {
            StorageLimits.checkKeys(id, data);
        }
        return new Observation(id, type, source, text(event, "subject"), time, data, data.toString(), object);
    }

    private static JsonNode data(JsonNode event, String id, JsonMapper json) {
        if (event.hasNonNull("data")) {
            return event.get("data");
        }
        String base64 = text(event, "data_base64");
        if (base64 == null) {
            throw new InvalidObservation("event " + id + " has no data");
        }
        try {
            return json.readTree(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException | JacksonException e) {
            throw new InvalidObservation("data of event " + id + " is not JSON", e);
        }
    }

    private static Instant time(JsonNode event, String id) {
        String time = text(event, "time");
        if (time == null) {
            return Instant.now();
        }
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidObservation("event " + id + " has a time that is not RFC 3339: " + time);
        }
    }

    private static String required(JsonNode event, String attribute) {
        String value = text(event, attribute);
        if (value == null) {
            throw new InvalidObservation("not a structured-mode CloudEvent: " + attribute + " is required");
        }
        return value;
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
        return value == null
                        || !value.isValueNode()
                        || value.isNull()
                        || value.asString().isBlank()
                ? null
                : value.asString();
    }
}
