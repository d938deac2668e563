/**
 * Ingest: consumes the harvester's CloudEvents, dedupes them by id, keeps the latest snapshot of
 * every object and announces each change as {@link io.pipelinelens.sensemaker.ingest.ResourceObserved}.
 */
package io.pipelinelens.sensemaker.ingest;
