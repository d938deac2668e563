package io.pipelinelens.sensemaker.lineage;

import java.time.Instant;
import java.util.Optional;

/**
 * One node of the lineage graph as other modules see it.
 *
 * @param traceId the trace the node belongs to (the hash of its root's key); null while it waits
 * @param parentUid null for a root and for a node still waiting for its parent
 * @param boundBy the key that placed the node under its parent; null for a root or a waiting node
 * @param settled whether it was handed over as settled ({@link NodesSettled}): its spans are built
 * @param createdAt the resource's {@code creationTimestamp}, when it has one
 * @param parkedReason why its spans could not be built, while it is parked
 */
public record LineageNode(
        String uid,
        NodeKind kind,
        String namespace,
        String name,
        State state,
        String traceId,
        String parentUid,
        CorrelationKey boundBy,
        boolean terminal,
        boolean settled,
        Instant createdAt,
        String parkedReason) {

    public enum State {
        /** Its parent has not been seen yet. */
        PENDING,
        /** Under its parent. */
        ATTACHED,
        /** The root of a trace. */
        ROOT
    }

    public String spanId() {
        return TraceIds.spanId(uid);
    }

    public Optional<String> parentSpanId() {
        return Optional.ofNullable(parentUid).map(TraceIds::spanId);
    }
}
