package io.pipelinelens.sensemaker.ingest;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A stored git webhook delivery.
 *
 * @param payload the request body as the provider sent it
 */
public record GitWebhook(
        String id, String provider, String kind, String subject, JsonNode payload, Instant receivedAt) {}
