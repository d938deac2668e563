package io.pipelinelens.sensemaker.ingest.internal;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.pipelinelens.contracts.EventType;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One harvester CloudEvent, parsed and checked against the catalog. */
record Observation(String id, EventType type, String source, String subject, Instant time, JsonNode data) {

    private static final JsonFormat FORMAT =
            (JsonFormat) EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

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
        JsonNode data;
        try {
            data = json.readTree(event.getData().toBytes());
        } catch (JacksonException e) {
            throw new InvalidObservation("data of event " + event.getId() + " is not JSON", e);
        }
        if (!data.isObject()) {
            throw new InvalidObservation("data of event " + event.getId() + " is not a JSON object");
        }
        Instant time = event.getTime() == null ? Instant.now() : event.getTime().toInstant();
        return new Observation(event.getId(), type, event.getSource().toString(), event.getSubject(), time, data);
    }
}
