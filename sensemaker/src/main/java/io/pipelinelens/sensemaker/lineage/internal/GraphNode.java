package io.pipelinelens.sensemaker.lineage.internal;

import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.NodeKind;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** A node as stored: where it hangs in its trace, what it waits for, whether it was handed over. */
record GraphNode(
        String uid,
        NodeKind kind,
        String namespace,
        String name,
        LineageNode.State state,
        String traceId,
        String parentUid,
        List<CorrelationKey> parentKeys,
        List<CorrelationKey> waitingFor,
        List<CorrelationKey> keys,
        CorrelationKey.GitEvent fallbackRoot,
        CorrelationKey boundBy,
        boolean terminal,
        boolean recorded,
        Instant createdAt,
        OffsetDateTime firstSeenAt,
        String parkedReason) {

    boolean pending() {
        return state == LineageNode.State.PENDING;
    }

    String spanId() {
        return TraceIds.spanId(uid);
    }

    /** The trace it starts when it has no parent to go under: a pull request's uid is its root key. */
    String ownRootKey() {
        return kind == NodeKind.PULL_REQUEST || kind.synthesizedRoot() ? uid : TraceIds.resourceRoot(uid);
    }

    ParentChoice.Child asChild() {
        return new ParentChoice.Child(uid, createdAt, parentKeys, ownRootKey(), fallbackRoot);
    }

    /** This node once placed, as the rest of the transaction must see it. */
    GraphNode placed(LineageNode.State newState, String newTraceId, String newParentUid, CorrelationKey by) {
        return new GraphNode(
                uid,
                kind,
                namespace,
                name,
                newState,
                newTraceId,
                newParentUid,
                parentKeys,
                List.of(),
                keys,
                fallbackRoot,
                by,
                terminal,
                recorded,
                createdAt,
                firstSeenAt,
                parkedReason);
    }

    LineageNode view() {
        return new LineageNode(
                uid,
                kind,
                namespace,
                name,
                state,
                traceId,
                parentUid,
                boundBy,
                terminal,
                recorded,
                createdAt,
                parkedReason);
    }
}
