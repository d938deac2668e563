package io.pipelinelens.harvester.publish;

/**
 * Published once the buffer has drained after it overflowed: events were dropped, so every watcher
 * re-lists its resources to publish their current state again (with the same deterministic ids).
 */
public record ResyncRequested(long droppedEvents) {}
