package io.pipelinelens.sensemaker.ingest;

/** A git webhook delivery was stored; {@code id} is its delivery GUID (or the body hash). */
public record GitWebhookReceived(String id, String provider, String kind) {}
