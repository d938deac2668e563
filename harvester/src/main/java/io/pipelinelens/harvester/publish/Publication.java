package io.pipelinelens.harvester.publish;

import io.cloudevents.CloudEvent;
import io.pipelinelens.contracts.EventType;
import java.util.Objects;

/**
 * One CloudEvent ready to go, with its routing key, the short name of what it describes ({@code
 * pipelinerun.tekton.dev}, {@code github}) for metrics, and the uid of the object it is a state of
 * (null for webhooks), which lets the buffer tell a superseded state from a latest one.
 */
public record Publication(CloudEvent event, String routingKey, String kind, String object) {
    public Publication {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(kind, "kind");
    }

    public Publication(CloudEvent event, String routingKey, String kind) {
        this(event, routingKey, kind, null);
    }

    public String id() {
        return event.getId();
    }

    /** A deletion is the last event of its object: nothing later can stand in for it. */
    public boolean deletion() {
        return EventType.RESOURCE_DELETED.type().equals(event.getType());
    }
}
