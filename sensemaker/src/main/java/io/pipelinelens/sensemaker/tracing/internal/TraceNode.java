package io.pipelinelens.sensemaker.tracing.internal;

import java.time.OffsetDateTime;
import java.util.List;

/** A node as stored: where it hangs in its trace, and whether its spans are recorded. */
record TraceNode(
        String uid,
        String kind,
        String namespace,
        String name,
        State state,
        String traceId,
        String spanId,
        String parentUid,
        String parentSpanId,
        List<String> waitingFor,
        List<String> keys,
        String fallbackRoot,
        boolean terminal,
        boolean recorded,
        OffsetDateTime firstSeenAt) {

    enum State {
        PENDING,
        ATTACHED,
        ROOT;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    boolean root() {
        return state == State.ROOT;
    }

    /** This node as it is once placed: attached to a parent, or a root (no parent). */
    TraceNode placed(State newState, String newTraceId, String newParentUid, String newParentSpanId) {
        return new TraceNode(
                uid,
                kind,
                namespace,
                name,
                newState,
                newTraceId,
                spanId,
                newParentUid,
                newParentSpanId,
                List.of(),
                keys,
                fallbackRoot,
                terminal,
                recorded,
                firstSeenAt);
    }
}
