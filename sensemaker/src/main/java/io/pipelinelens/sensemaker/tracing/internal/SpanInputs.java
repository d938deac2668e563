package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.Snapshots;
import io.pipelinelens.sensemaker.lineage.Lineage;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything span builders may read besides the node's own state: its pods and Events (prefetched
 * for a batch), and the lineage graph for links to other traces. Tests pass in-memory ones.
 */
record SpanInputs(Snapshots snapshots, Lineage lineage, JsonMapper json) {}
