package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.GitWebhook;
import io.pipelinelens.sensemaker.ingest.GitWebhookReceived;
import io.pipelinelens.sensemaker.ingest.GitWebhooks;
import io.pipelinelens.sensemaker.ingest.ResourceObserved;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Places every observed resource in its trace (DESIGN §3): finds its parent by the strongest key
 * that resolves, waits for a parent that has not arrived, and attaches the waiting children when
 * it does. Recording the spans is left to {@link TraceHousekeeping}, once a node has settled.
 */
@Component
class TraceAssembler {

    private final Snapshots snapshots;
    private final GitWebhooks webhooks;
    private final TraceGraph graph;
    private final TracingProperties properties;

    TraceAssembler(Snapshots snapshots, GitWebhooks webhooks, TraceGraph graph, TracingProperties properties) {
        this.snapshots = snapshots;
        this.webhooks = webhooks;
        this.graph = graph;
        this.properties = properties;
    }

    @ApplicationModuleListener
    void on(ResourceObserved observed) {
        if (Correlations.NODE_KINDS.contains(observed.kind())) {
            Optional<NodeFacts> read = factsOf(observed.uid());
            read.ifPresent(this::place);
            // Listeners run concurrently: another one may have stored a newer state between our read
            // and our lock on the node. Read again under the lock, so the newest state always wins.
            Optional<NodeFacts> latest = factsOf(observed.uid());
            if (latest.isPresent() && !latest.equals(read)) {
                place(latest.get());
            }
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
        if ("github".equals(webhook.provider()) && "pull_request".equals(webhook.kind())) {
            webhooks.byId(webhook.id()).ifPresent(this::pullRequest);
        }
    }

    /** A pull request node takes its facts from the PR's newest delivery, not from this one. */
    private void pullRequest(GitWebhook delivery) {
        JsonNode number = delivery.payload().path("pull_request").path("number");
        String repository =
                KubeObject.text(delivery.payload().path("repository").path("full_name"));
        if (repository == null || !number.isNumber()) {
            return;
        }
        Optional<GitWebhook> before = webhooks.latestPullRequest(repository, number.asLong());
        before.ifPresent(this::placePullRequest);
        // Read again under the node's lock: a newer delivery committed meanwhile must win.
        Optional<GitWebhook> after = webhooks.latestPullRequest(repository, number.asLong());
        if (after.isPresent() && !after.map(GitWebhook::id).equals(before.map(GitWebhook::id))) {
            placePullRequest(after.get());
        }
    }

    /** A merged PR waits for the environment PRs that promote it before its span is recorded. */
    private void placePullRequest(GitWebhook latest) {
        boolean merged = latest.payload().path("pull_request").path("merged").asBoolean(false);
        Correlations.pullRequest(latest.payload())
                .ifPresent(facts -> place(facts, merged ? properties.gitopsChildDelay() : properties.settle()));
    }

    private Optional<NodeFacts> factsOf(String uid) {
        return snapshots.byUid(uid).flatMap(s -> Correlations.of(new KubeObject(s.body()), s.deleted()));
    }

    /** Stores the node's latest facts, attaches it if it can be, and then its waiting children. */
    void place(NodeFacts facts) {
        place(facts, properties.settle());
    }

    private void place(NodeFacts facts, Duration settle) {
        TraceNode node = graph.upsertAndLock(facts, settle);
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
            // A pull request's uid is already its root key.
            String traceId = TraceIds.traceId(
                    Correlations.PULL_REQUEST.equals(pending.kind())
                            ? pending.uid()
                            : TraceIds.resourceRoot(pending.uid()));
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
        Deque<List<String>> toWake = new ArrayDeque<>();
        toWake.add(keys);
        // Bounded: a tree is finite, but a bad key scheme must not spin a listener forever.
        for (int rounds = 0; !toWake.isEmpty() && rounds < 10_000; rounds++) {
            for (String uid : graph.waitingFor(toWake.poll())) {
                Optional<TraceNode> waiter = graph.lock(uid);
                if (waiter.isPresent() && waiter.get().state() == TraceNode.State.PENDING) {
                    resolve(waiter.get(), waiter.get().waitingFor(), null);
                    toWake.add(waiter.get().keys());
                }
            }
        }
    }

    private void eventObserved(Snapshot event) {
        KubeObject object = new KubeObject(event.body());
        String involved = KubeObject.text(object.path("involvedObject", "uid"));
        if (involved == null) {
            // No uid: the object is found by kind, namespace and name instead (DESIGN §3).
            String kind = KubeObject.text(object.path("involvedObject", "kind"));
            String name = KubeObject.text(object.path("involvedObject", "name"));
            String namespace = first(KubeObject.text(object.path("involvedObject", "namespace")), event.namespace());
            involved = kind == null || name == null
                    ? null
                    : snapshots.byName(kind, namespace, name).map(Snapshot::uid).orElse(null);
            if (involved == null) {
                return;
            }
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

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private void postpone(String uid) {
        graph.postpone(uid, properties.settle());
    }
}
