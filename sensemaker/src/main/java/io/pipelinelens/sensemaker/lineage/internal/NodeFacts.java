package io.pipelinelens.sensemaker.lineage.internal;

import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import io.pipelinelens.sensemaker.lineage.NodeKind;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What correlation knows about one traced thing, derived from its latest state alone.
 *
 * @param createdAt the resource's creationTimestamp; null when it has none
 * @param parentKeys where its parent may be found, strongest first, without repeats. Empty for a
 *     root.
 * @param ownRootKey the root key when this node starts a trace itself
 * @param fallbackRoot the git event a node goes under when its parent never arrives; null to start
 *     its own trace
 * @param keys how children find this node
 */
record NodeFacts(
        String uid,
        NodeKind kind,
        String namespace,
        String name,
        Instant createdAt,
        List<CorrelationKey> parentKeys,
        String ownRootKey,
        CorrelationKey.GitEvent fallbackRoot,
        List<CorrelationKey> keys,
        boolean terminal) {

    NodeFacts {
        // Strongest first; a stable sort keeps the rule's order among keys of one strength.
        List<CorrelationKey> ordered = new ArrayList<>(new LinkedHashSet<>(parentKeys));
        ordered.sort(Comparator.comparing(CorrelationKey::strength));
        parentKeys = List.copyOf(ordered);
        keys = List.copyOf(new LinkedHashSet<>(keys));
    }

    ParentChoice.Child asChild() {
        // Where it goes when nothing else places it: its own key, a pull request's uid, its own trace.
        String own = ownRootKey != null ? ownRootKey : kind == NodeKind.PULL_REQUEST ? uid : TraceIds.resourceRoot(uid);
        return new ParentChoice.Child(uid, createdAt, parentKeys, own, fallbackRoot);
    }

    String spanId() {
        return TraceIds.spanId(uid);
    }
}
