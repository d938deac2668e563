package io.pipelinelens.notifier.intake;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.pipelinelens.contracts.Channel;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.notifier.StatusEvent;

/** Reads a structured-mode CloudEvent (JSON) from a record value and checks it against the catalog. */
public class StatusEventReader {

    private final JsonFormat format = new JsonFormat();

    public StatusEvent read(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidStatusEventException("empty record value");
        }
        CloudEvent event;
        try {
            event = format.deserialize(value);
        } catch (RuntimeException e) {
            throw new InvalidStatusEventException("not a structured-mode CloudEvent: " + rootMessage(e), e);
        }
        // The SDK already insists on specversion, id, source and type; blank values pass it.
        if (event.getId() == null || event.getId().isBlank()) {
            throw new InvalidStatusEventException("CloudEvent without an id");
        }
        EventType type = EventType.of(event.getType())
                .orElseThrow(() ->
                        new InvalidStatusEventException("type '" + event.getType() + "' is not in the event catalog"));
        if (type.channel() != Channel.STATUS) {
            throw new InvalidStatusEventException(
                    "type '" + event.getType() + "' belongs to " + type.channel() + ", not to the status topic");
        }
        byte[] structured;
        try {
            structured = format.serialize(event);
        } catch (RuntimeException e) {
            throw new InvalidStatusEventException("CloudEvent cannot be re-serialized: " + rootMessage(e), e);
        }
        return new StatusEvent(event, type, structured);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // Parser messages can quote the whole input; a header value need not.
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }
}
