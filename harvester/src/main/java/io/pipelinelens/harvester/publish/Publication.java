package io.pipelinelens.harvester.publish;

import io.cloudevents.CloudEvent;
import java.util.Objects;

/**
 * One CloudEvent ready to go, with its routing key and the short name of what it describes ({@code
 * pipelinerun.tekton.dev}, {@code github}) for metrics.
 */
public record Publication(CloudEvent event, String routingKey, String kind) {
    public Publication {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(kind, "kind");
    }

    public String id() {
        return event.getId();
    }
}
