package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import java.util.List;

/** The spans of one settled resource, by its kind (DESIGN §4); the node's own span comes first. */
final class ResourceSpans {

    private ResourceSpans() {}

    static List<SpanRecord> of(LineageNode node, Snapshot snapshot, SpanInputs inputs) {
        return switch (node.kind()) {
            case PIPELINE_RUN -> RunSpans.build(node, snapshot, inputs);
            case TASK_RUN -> TaskRunSpans.build(node, snapshot, inputs);
            case LIGHTHOUSE_JOB -> JobSpans.build(node, snapshot);
            case PIPELINE_ACTIVITY -> ActivitySpans.build(node, snapshot);
            case GIT_EVENT, TRIGGERS_EVENT, PULL_REQUEST ->
                throw new IllegalArgumentException(node.kind() + " is not a resource");
        };
    }
}
