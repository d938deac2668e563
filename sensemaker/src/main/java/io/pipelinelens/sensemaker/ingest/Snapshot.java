package io.pipelinelens.sensemaker.ingest;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** The latest known state of one Kubernetes object. */
public record Snapshot(
        String uid,
        String apiVersion,
        String kind,
        String namespace,
        String name,
        String resourceVersion,
        boolean deleted,
        JsonNode body,
        Instant observedAt) {}
