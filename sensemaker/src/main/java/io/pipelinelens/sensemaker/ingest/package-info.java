/**
 * Ingest: consumes the harvester's CloudEvents, dedupes them by id, keeps the latest snapshot of
 * every object and announces the changes of each stored batch as {@link
 * io.pipelinelens.sensemaker.ingest.ResourcesObserved}.
 */
package io.pipelinelens.sensemaker.ingest;
