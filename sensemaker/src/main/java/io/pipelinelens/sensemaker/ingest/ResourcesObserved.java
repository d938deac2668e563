package io.pipelinelens.sensemaker.ingest;

import java.util.List;

/**
 * Newer states of Kubernetes objects were stored, all in one transaction. Ingest stores what the
 * broker hands it in batches, so that a busy cluster costs one transaction per batch, not per
 * change; an object appears at most once per batch.
 */
public record ResourcesObserved(List<ResourceObserved> resources) {

    public ResourcesObserved {
        resources = List.copyOf(resources);
    }
}
