package io.pipelinelens.sensemaker.lineage.internal;

import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Carries out {@link ParentChoice}'s decisions on locked nodes: attaches, re-places (a stronger key
 * appeared while the node was not handed over yet), makes roots, lets nodes wait, and wakes the
 * nodes that waited for what was just placed. Runs in the caller's transaction.
 */
@Component
class Placement {

    private static final Logger log = LoggerFactory.getLogger(Placement.class);

    private final LineageGraph graph;
    private final LineageProperties properties;

    Placement(LineageGraph graph, LineageProperties properties) {
        this.graph = graph;
        this.properties = properties;
    }

    /** A locked node and what placement knows about it. */
    private record Placing(GraphNode node, ParentChoice.Child child, boolean gaveUp) {}

    /** Places the locked nodes whose facts were just stored, then the nodes that waited for them. */
    void place(List<NodeFacts> facts, Map<String, GraphNode> locked) {
        List<Placing> placing = new ArrayList<>();
        Set<CorrelationKey> published = new LinkedHashSet<>();
        for (NodeFacts f : facts) {
            published.addAll(f.keys());
            GraphNode node = locked.get(f.uid());
            if (node != null && !node.recorded()) {
                placing.add(new Placing(node, f.asChild(), gaveUp(node)));
            }
        }
        resolve(placing);
        wakeWaiters(published, locked.keySet());
    }

    /** Tries the waiting nodes' keys again (their parents may have arrived on another replica). */
    void retry(List<GraphNode> pending) {
        List<Placing> placing = new ArrayList<>();
        Set<CorrelationKey> published = new LinkedHashSet<>();
        for (GraphNode node : pending) {
            boolean gaveUp = gaveUp(node);
            // A node whose facts were never read has nothing to be placed by until it gives up.
            if (node.keys().isEmpty() && !gaveUp) {
                continue;
            }
            if (gaveUp) {
                log.info(
                        "{} {}/{} waited {} for its parent; placing it without",
                        node.kind().stored(),
                        node.namespace(),
                        node.name(),
                        properties.pendingTimeout());
            }
            placing.add(new Placing(node, node.asChild(), gaveUp));
            published.addAll(node.keys());
        }
        resolve(placing);
        wakeWaiters(published, pending.stream().map(GraphNode::uid).toList());
    }

    private boolean gaveUp(GraphNode node) {
        return node.firstSeenAt() != null
                && node.firstSeenAt().isBefore(OffsetDateTime.now().minus(properties.pendingTimeout()));
    }

    /** One query finds the candidate parents of all of them; then each is placed. */
    private void resolve(List<Placing> placing) {
        if (placing.isEmpty()) {
            return;
        }
        Set<CorrelationKey> wanted = new HashSet<>();
        placing.forEach(p -> p.child().parentKeys().stream()
                .filter(k -> k.strength() != CorrelationKey.Strength.ROOT)
                .forEach(wanted::add));
        Map<CorrelationKey, List<GraphNode>> publishers = new HashMap<>();
        for (GraphNode candidate : graph.publishingAny(wanted)) {
            for (CorrelationKey key : candidate.keys()) {
                if (wanted.contains(key)) {
                    publishers.computeIfAbsent(key, k -> new ArrayList<>()).add(candidate);
                }
            }
        }
        // What this transaction already changed wins over what the query saw.
        Map<String, GraphNode> current = new HashMap<>();
        Set<String> gotTrace = new LinkedHashSet<>();
        for (Placing p : placing) {
            GraphNode node = current.getOrDefault(p.node().uid(), p.node());
            ParentChoice.Decision decision = ParentChoice.decide(p.child(), publishers, p.gaveUp());
            GraphNode placed = apply(node, decision, current);
            if (placed != node) {
                current.put(node.uid(), placed);
                if (placed.traceId() != null) {
                    gotTrace.add(node.uid());
                }
            }
        }
        // Children attached before their parent learnt its trace get it now, all levels at once.
        graph.propagateTraces(gotTrace);
    }

    /** @return the node as placed, or the same instance when nothing changed */
    private GraphNode apply(GraphNode node, ParentChoice.Decision decision, Map<String, GraphNode> current) {
        return switch (decision) {
            case ParentChoice.Under under ->
                under(node, current.getOrDefault(under.parent().uid(), under.parent()), under.by());
            case ParentChoice.UnderRoot root ->
                under(node, graph.ensureRoot(Correlations.root(root.root()), properties.settle()), root.root());
            case ParentChoice.OwnRoot own -> {
                String traceId = TraceIds.traceId(own.rootKey());
                if (node.state() == LineageNode.State.ROOT && traceId.equals(node.traceId())) {
                    yield node;
                }
                graph.makeRoot(node, traceId);
                yield node.placed(LineageNode.State.ROOT, traceId, null, null);
            }
            case ParentChoice.Wait wait -> waitFor(node, wait.keys());
        };
    }

    private GraphNode under(GraphNode node, GraphNode parent, CorrelationKey by) {
        if (node.state() == LineageNode.State.ATTACHED && parent.uid().equals(node.parentUid())) {
            return node;
        }
        if (node.state() != LineageNode.State.PENDING) {
            log.info(
                    "{} {}/{} moves from {} to {} (found by {})",
                    node.kind().stored(),
                    node.namespace(),
                    node.name(),
                    node.parentUid() == null ? "its own trace" : node.parentUid(),
                    parent.uid(),
                    by.encoded());
        }
        graph.attach(node, parent, by);
        return node.placed(LineageNode.State.ATTACHED, parent.traceId(), parent.uid(), by);
    }

    /**
     * A waiting node keeps waiting. A placed one goes back to waiting only when it was placed by a
     * weaker key than the one that now names a parent not seen yet (its owner reference appeared).
     */
    private GraphNode waitFor(GraphNode node, List<CorrelationKey> keys) {
        if (node.pending()) {
            if (!keys.equals(node.waitingFor())) {
                graph.waitFor(node, keys);
            }
            return node;
        }
        CorrelationKey.Strength strongest = keys.getFirst().strength();
        if (node.boundBy() == null || node.boundBy().strength().compareTo(strongest) <= 0) {
            return node;
        }
        graph.waitFor(node, keys);
        return node.placed(LineageNode.State.PENDING, null, null, null);
    }

    /** Nodes that waited for one of these keys are placed now, and so on down the tree. */
    private void wakeWaiters(Collection<CorrelationKey> keys, Collection<String> alreadyPlaced) {
        Set<String> seen = new HashSet<>(alreadyPlaced);
        Set<CorrelationKey> toWake = new LinkedHashSet<>(keys);
        // Bounded: a tree is finite, but a bad key scheme must not spin a listener forever.
        for (int rounds = 0; !toWake.isEmpty() && rounds < 100; rounds++) {
            List<GraphNode> waiters = graph.lockWaiting(toWake).stream()
                    .filter(n -> seen.add(n.uid()))
                    .toList();
            resolve(waiters.stream()
                    .map(n -> new Placing(n, n.asChild(), gaveUp(n)))
                    .toList());
            toWake = new LinkedHashSet<>();
            for (GraphNode waiter : waiters) {
                toWake.addAll(waiter.keys());
            }
        }
    }
}
