package io.pipelinelens.sensemaker.status.internal;

/**
 * A status event waiting in the outbox.
 *
 * @param seq its place in the outbox; within a key, the order events are sent in
 * @param attempts failed sends so far
 */
record OutboxEvent(long seq, String key, String id, byte[] payload, int attempts) {}
