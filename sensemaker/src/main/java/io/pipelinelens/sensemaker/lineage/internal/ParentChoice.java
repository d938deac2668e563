package io.pipelinelens.sensemaker.lineage.internal;

import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a node goes, decided from its keys and the nodes that publish them (DESIGN §3). Pure: the
 * caller fetched the candidates.
 *
 * <ul>
 *   <li>Keys are tried strongest first; a root key (a git or Triggers event) always resolves.
 *   <li>An exact key (a uid, a name) that does not resolve yet makes the node wait for that parent
 *       instead of binding through a weaker key: siblings share weak keys, and the parent a weak
 *       key finds now may not be the one the node belongs to.
 *   <li>A name or label key binds only to a candidate consistent in time: created no later than
 *       the child (when both times are known), the newest such — names are reused after a
 *       deletion, and labels are shared by earlier builds.
 *   <li>Once the node gave up waiting (the pending timeout), every key is tried in order, then the
 *       git event it names, then a trace of its own.
 * </ul>
 */
final class ParentChoice {

    private ParentChoice() {}

    /**
     * What placement needs to know about the child.
     *
     * @param ownRootKey the key of the trace it starts when nothing else places it
     */
    record Child(
            String uid,
            Instant createdAt,
            List<CorrelationKey> parentKeys,
            String ownRootKey,
            CorrelationKey.GitEvent fallbackRoot) {}

    sealed interface Decision {}

    /** Under this node, found by this key. */
    record Under(GraphNode parent, CorrelationKey by) implements Decision {}

    /** Under a root made on demand (it is created if missing). */
    record UnderRoot(CorrelationKey root) implements Decision {}

    /** A root of its own trace. */
    record OwnRoot(String rootKey) implements Decision {}

    /** Not yet: wait for a node that publishes one of these keys. */
    record Wait(List<CorrelationKey> keys) implements Decision {}

    static Decision decide(Child child, Map<CorrelationKey, List<GraphNode>> publishers, boolean gaveUp) {
        if (child.parentKeys().isEmpty()) {
            return new OwnRoot(child.ownRootKey());
        }
        for (CorrelationKey key : child.parentKeys()) {
            if (key instanceof CorrelationKey.GitEvent || key instanceof CorrelationKey.TriggersEvent) {
                return new UnderRoot(key);
            }
            Optional<GraphNode> parent = best(child, key, publishers.getOrDefault(key, List.of()));
            if (parent.isPresent()) {
                return new Under(parent.get(), key);
            }
            if (key.strength().exact() && !gaveUp) {
                return new Wait(waitKeys(child));
            }
        }
        if (!gaveUp) {
            return new Wait(waitKeys(child));
        }
        if (child.fallbackRoot() != null) {
            return new UnderRoot(child.fallbackRoot());
        }
        return new OwnRoot(child.ownRootKey());
    }

    /** The keys that can still place the child: its exact keys when it has any, else all of them. */
    static List<CorrelationKey> waitKeys(Child child) {
        List<CorrelationKey> exact =
                child.parentKeys().stream().filter(k -> k.strength().exact()).toList();
        return exact.isEmpty() ? child.parentKeys() : exact;
    }

    private static Optional<GraphNode> best(Child child, CorrelationKey key, List<GraphNode> candidates) {
        var consistent = candidates.stream()
                .filter(c -> !c.uid().equals(child.uid()))
                .filter(c -> key.strength() == CorrelationKey.Strength.IDENTITY || createdNoLater(c, child));
        return consistent.max(NEWEST);
    }

    private static boolean createdNoLater(GraphNode candidate, Child child) {
        return candidate.createdAt() == null
                || child.createdAt() == null
                || !candidate.createdAt().isAfter(child.createdAt());
    }

    /** Newest creation first (unknown counts as oldest), then the latest seen, then uid for a stable choice. */
    private static final Comparator<GraphNode> NEWEST = Comparator.comparing(
                    GraphNode::createdAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .thenComparing(GraphNode::firstSeenAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(GraphNode::uid);
}
