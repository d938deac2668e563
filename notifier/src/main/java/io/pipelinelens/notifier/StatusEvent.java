package io.pipelinelens.notifier;

import io.cloudevents.CloudEvent;
import io.pipelinelens.contracts.EventType;
import java.util.Objects;

/**
 * A status event that passed intake: a valid CloudEvent of a catalog type, and its structured-mode
 * JSON, which is what channels send and sign.
 */
public record StatusEvent(CloudEvent cloudEvent, EventType type, byte[] structuredJson) {

    public StatusEvent {
        Objects.requireNonNull(cloudEvent, "cloudEvent");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(structuredJson, "structuredJson");
    }

    public String id() {
        return cloudEvent.getId();
    }
}
