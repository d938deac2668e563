package io.pipelinelens.sensemaker.ingest;

/**
 * A newer state of a Kubernetes object was stored, announced as part of {@link ResourcesObserved}.
 * Listeners read the state itself through {@link Snapshots}, so that a late listener run always
 * sees the latest one.
 */
public record ResourceObserved(
        String eventId,
        String uid,
        String apiVersion,
        String kind,
        String namespace,
        String name,
        String resourceVersion,
        boolean deleted) {}
