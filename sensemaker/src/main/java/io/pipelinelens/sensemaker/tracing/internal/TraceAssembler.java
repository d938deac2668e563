package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.GitWebhookReceived;
import io.pipelinelens.sensemaker.ingest.ResourceObserved;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Places every observed resource in its trace (DESIGN §3): finds its parent by the strongest key
 * that resolves, waits for a parent that has not arrived, and attaches the waiting children when
 * it does. Recording the spans is left to {@link TraceHousekeeping}, once a node has settled.
 */
@Component
class TraceAssembler {

    private final Snapshots snapshots;
    private final TraceGraph graph;
    private final TracingProperties properties;

    TraceAssembler(Snapshots snapshots, TraceGraph graph, TracingProperties properties) {
        this.snapshots = snapshots;
        this.graph = graph;
        this.properties = properties;
    }

    @ApplicationModuleListener
    void on(ResourceObserved observed) {
        if (Correlations.NODE_KINDS.contains(observed.kind())) {
            snapshots
                    .byUid(observed.uid())
                    .flatMap(s -> Correlations.of(new KubeObject(s.body()), s.deleted()))
                    .ifPresent(this::place);
        } else if ("Pod".equals(observed.kind())) {
            snapshots.byUid(observed.uid()).flatMap(this::taskRunOfPod).ifPresent(this::postpone);
        } else if ("Event".equals(observed.kind())) {
            snapshots.byUid(observed.uid()).ifPresent(this::eventObserved);
        }
    }

    @ApplicationModuleListener
    void on(GitWebhookReceived webhook) {
        // A relayed activity record has no delivery GUID (its id is a hash): it names no git event.
        if (webhook.id().startsWith("sha256:")) {
            return;
        }
        NodeFacts root = Correlations.gitEvent(webhook.id());
        graph.ensureRoot(root, properties.settle());
        graph.postpone(root.uid(), properties.settle());
    }

    /** Stores the node's latest facts, attaches it if it can be, and then its waiting children. */
    void place(NodeFacts facts) {
        TraceNode node = graph.upsertAndLock(facts, properties.settle());
        if (node.state() == TraceNode.State.PENDING) {
            resolve(node, facts.parentKeys(), facts.ownRootKey());
        }
        wakeWaiters(facts.keys());
    }

    /** Tries the waiting node's keys again (its parent may have arrived on another replica). */
    void retry(TraceNode pending) {
        resolve(pending, pending.waitingFor(), null);
        if (graph.find(pending.uid())
                .map(n -> n.state() != TraceNode.State.PENDING)
                .orElse(false)) {
            wakeWaiters(pending.keys());
        }
    }

    /** The parent never came: the node goes to the git event it names, or starts its own trace. */
    void giveUpWaiting(TraceNode pending) {
        if (pending.fallbackRoot() != null) {
            attach(
                    pending,
                    graph.ensureRoot(
                            Correlations.root(pending.fallbackRoot().substring(NodeFacts.ROOT.length())),
                            properties.settle()));
        } else {
            String traceId = TraceIds.traceId(TraceIds.resourceRoot(pending.uid()));
            graph.makeRoot(pending.uid(), traceId);
            graph.propagateTrace(pending.uid(), traceId);
        }
        wakeWaiters(pending.keys());
    }

    private void resolve(TraceNode node, List<String> parentKeys, String ownRootKey) {
        if (parentKeys.isEmpty()) {
            if (ownRootKey != null) {
                String traceId = TraceIds.traceId(ownRootKey);
                graph.makeRoot(node.uid(), traceId);
                graph.propagateTrace(node.uid(), traceId);
            }
            return;
        }
        for (String key : parentKeys) {
            if (key.startsWith(NodeFacts.ROOT)) {
                attach(
                        node,
                        graph.ensureRoot(
                                Correlations.root(key.substring(NodeFacts.ROOT.length())), properties.settle()));
                return;
            }
            Optional<TraceNode> parent = graph.findByKey(key, node.uid());
            if (parent.isPresent()) {
                attach(node, parent.get());
                return;
            }
        }
        graph.waitFor(node.uid(), parentKeys);
    }

    private void attach(TraceNode node, TraceNode parent) {
        graph.attach(node.uid(), parent);
        if (parent.traceId() != null) {
            graph.propagateTrace(node.uid(), parent.traceId());
        }
    }

    /** Children that waited for one of these keys are attached now, and so on down the tree. */
    private void wakeWaiters(List<String> keys) {
        Deque<List<String>> todo = new ArrayDeque<>();
        todo.add(keys);
        // Bounded: a tree is finite, but a bad key scheme must not spin a listener forever.
        for (int rounds = 0; !todo.isEmpty() && rounds < 10_000; rounds++) {
            for (String uid : graph.waitingFor(todo.poll())) {
                Optional<TraceNode> waiter = graph.lock(uid);
                if (waiter.isPresent() && waiter.get().state() == TraceNode.State.PENDING) {
                    resolve(waiter.get(), waiter.get().waitingFor(), null);
                    todo.add(waiter.get().keys());
                }
            }
        }
    }

    private void eventObserved(Snapshot event) {
        KubeObject object = new KubeObject(event.body());
        String involved = KubeObject.text(object.path("involvedObject", "uid"));
        if (involved == null) {
            return;
        }
        if ("Pod".equals(object.path("involvedObject", "kind").asString(""))) {
            snapshots.byUid(involved).flatMap(this::taskRunOfPod).ifPresent(this::postpone);
        } else {
            postpone(involved);
        }
    }

    /** A pod is a detail of its TaskRun: ownerReference first, then the tekton.dev/taskRun label. */
    private Optional<String> taskRunOfPod(Snapshot pod) {
        KubeObject object = new KubeObject(pod.body());
        return object.ownerUid("TaskRun")
                .or(() -> Optional.ofNullable(object.label("tekton.dev/taskRun"))
                        .flatMap(name -> snapshots.byName("TaskRun", object.namespace(), name))
                        .map(Snapshot::uid));
    }

    private void postpone(String uid) {
        graph.postpone(uid, properties.settle());
    }
}
