package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.GitWebhook;
import io.pipelinelens.sensemaker.ingest.GitWebhookReceived;
import io.pipelinelens.sensemaker.ingest.GitWebhooks;
import io.pipelinelens.sensemaker.ingest.ResourceObserved;
import io.pipelinelens.sensemaker.ingest.ResourcesObserved;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Places every observed resource in its trace (DESIGN §3): finds its parent by the strongest key
 * that resolves, waits for a parent that has not arrived, and attaches the waiting children when
 * it does. A batch of changes is placed in one transaction with a handful of statements. Recording
 * the spans is left to {@link TraceHousekeeping}, once a node has settled.
 */
@Component
class TraceAssembler {

    private static final Logger log = LoggerFactory.getLogger(TraceAssembler.class);
    private static final int ATTEMPTS = 5;

    private final Snapshots snapshots;
    private final GitWebhooks webhooks;
    private final TraceGraph graph;
    private final TracingProperties properties;
    private final TransactionTemplate transactions;

    TraceAssembler(
            Snapshots snapshots,
            GitWebhooks webhooks,
            TraceGraph graph,
            TracingProperties properties,
            TransactionTemplate transactions) {
        this.snapshots = snapshots;
        this.webhooks = webhooks;
        this.graph = graph;
        this.properties = properties;
        this.transactions = transactions;
    }

    /**
     * Runs after the ingest committed, in a transaction of its own. Batches that share nodes lock
     * them in the same order, but walking up and down the tree can still cross another batch: the
     * loser of such a deadlock simply tries again. A batch that keeps failing stays incomplete in
     * the event publication registry and is resubmitted later.
     */
    @Async
    @TransactionalEventListener
    void on(ResourcesObserved observed) {
        for (int attempt = 1; ; attempt++) {
            try {
                transactions.executeWithoutResult(status -> assemble(observed.resources()));
                return;
            } catch (ConcurrencyFailureException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                log.debug(
                        "Placing a batch of {} changes collided, attempt {}: {}",
                        observed.resources().size(),
                        attempt,
                        e.toString());
            }
        }
    }

    private void assemble(List<ResourceObserved> changes) {
        List<TraceGraph.Seed> seeds = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (ResourceObserved change : changes) {
            if (Correlations.NODE_KINDS.contains(change.kind())) {
                seeds.add(new TraceGraph.Seed(change.uid(), change.kind(), change.namespace(), change.name()));
            } else if ("Pod".equals(change.kind()) || "Event".equals(change.kind())) {
                details.add(change.uid());
            }
        }
        // Pods and Events are details of a TaskRun (or of the object an Event is about): a new one
        // keeps that node from being recorded for another settle period.
        Set<String> postponed = postponedBy(snapshots.headsByUids(details).values());
        graph.insertMissing(seeds);
        Set<String> toLock = new TreeSet<>(postponed);
        seeds.forEach(s -> toLock.add(s.uid()));
        Map<String, TraceNode> locked = graph.lockAll(toLock);
        // Read under the locks: a batch that stored a newer state waits for us, then reads that state.
        List<NodeFacts> facts = new ArrayList<>();
        for (Snapshot s : snapshots
                .byUids(seeds.stream().map(TraceGraph.Seed::uid).toList())
                .values()) {
            Correlations.of(new KubeObject(s.body()), s.deleted()).ifPresent(facts::add);
        }
        graph.updateFacts(facts, properties.settle());
        // Storing a node's facts restarts its settle time already: no second write of its row.
        facts.forEach(f -> postponed.remove(f.uid()));
        graph.postpone(postponed, properties.settle());
        place(facts, locked);
    }

    @ApplicationModuleListener
    void on(GitWebhookReceived webhook) {
        // A relayed activity record has no delivery GUID (its id is a hash): it names no git event.
        if (webhook.id().startsWith("sha256:")) {
            return;
        }
        NodeFacts root = Correlations.gitEvent(webhook.id());
        graph.ensureRoot(root, properties.settle());
        graph.postpone(List.of(root.uid()), properties.settle());
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
        String uid = Correlations.pullRequestUid(repository, number.asLong());
        graph.insertMissing(
                List.of(new TraceGraph.Seed(uid, Correlations.PULL_REQUEST, null, repository + "#" + number.asLong())));
        Map<String, TraceNode> locked = graph.lockAll(List.of(uid));
        // Read under the node's lock: a newer delivery committed meanwhile must win.
        webhooks.latestPullRequest(repository, number.asLong()).ifPresent(latest -> {
            // A merged PR waits for the environment PRs that promote it before its span is recorded.
            boolean merged =
                    latest.payload().path("pull_request").path("merged").asBoolean(false);
            Correlations.pullRequest(latest.payload()).ifPresent(facts -> {
                graph.updateFacts(List.of(facts), merged ? properties.gitopsChildDelay() : properties.settle());
                place(List.of(facts), locked);
            });
        });
    }

    /** Attaches the locked nodes that wait and can be, then the nodes that waited for them. */
    private void place(List<NodeFacts> facts, Map<String, TraceNode> locked) {
        List<Waiting> waiting = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (NodeFacts f : facts) {
            keys.addAll(f.keys());
            TraceNode node = locked.get(f.uid());
            if (node != null && node.state() == TraceNode.State.PENDING) {
                waiting.add(new Waiting(node, f.parentKeys(), f.ownRootKey()));
            }
        }
        resolve(waiting);
        wakeWaiters(keys, locked.keySet());
    }

    /** Tries the waiting nodes' keys again (their parents may have arrived on another replica). */
    void retry(List<TraceNode> pending) {
        resolve(pending.stream().map(n -> new Waiting(n, n.waitingFor(), null)).toList());
        Set<String> keys = new LinkedHashSet<>();
        pending.forEach(n -> keys.addAll(n.keys()));
        wakeWaiters(keys, pending.stream().map(TraceNode::uid).toList());
    }

    /** The parent never came: the node goes to the git event it names, or starts its own trace. */
    void giveUpWaiting(TraceNode pending) {
        if (pending.fallbackRoot() != null) {
            TraceNode root = graph.ensureRoot(
                    Correlations.root(pending.fallbackRoot().substring(NodeFacts.ROOT.length())), properties.settle());
            graph.attach(pending.uid(), root);
        } else {
            // A pull request's uid is already its root key.
            String traceId = TraceIds.traceId(
                    Correlations.PULL_REQUEST.equals(pending.kind())
                            ? pending.uid()
                            : TraceIds.resourceRoot(pending.uid()));
            graph.makeRoot(pending.uid(), traceId);
        }
        graph.propagateTraces(List.of(pending.uid()));
        wakeWaiters(pending.keys(), List.of(pending.uid()));
    }

    /** A locked node that waits for its parent, and where to look for it. */
    private record Waiting(TraceNode node, List<String> parentKeys, String ownRootKey) {}

    /**
     * Attaches each waiting node to the first of its keys that resolves, makes it a root when it
     * has none, or leaves it waiting. One query finds the candidate parents of them all.
     */
    private void resolve(List<Waiting> waiting) {
        if (waiting.isEmpty()) {
            return;
        }
        Set<String> wanted = new HashSet<>();
        waiting.forEach(w -> w.parentKeys().stream()
                .filter(k -> !k.startsWith(NodeFacts.ROOT))
                .forEach(wanted::add));
        Map<String, List<TraceNode>> publishers = new HashMap<>();
        for (TraceNode candidate : graph.publishingAny(wanted)) {
            for (String key : candidate.keys()) {
                if (wanted.contains(key)) {
                    publishers.computeIfAbsent(key, k -> new ArrayList<>()).add(candidate);
                }
            }
        }
        // What this transaction already changed wins over what the query saw.
        Map<String, TraceNode> current = new HashMap<>();
        Set<String> gotTrace = new LinkedHashSet<>();
        for (Waiting w : waiting) {
            TraceNode node = w.node();
            TraceNode parent = null;
            for (String key : w.parentKeys()) {
                if (key.startsWith(NodeFacts.ROOT)) {
                    parent = graph.ensureRoot(
                            Correlations.root(key.substring(NodeFacts.ROOT.length())), properties.settle());
                    break;
                }
                parent = publishers.getOrDefault(key, List.of()).stream()
                        .filter(c -> !c.uid().equals(node.uid()))
                        .findFirst()
                        .map(c -> current.getOrDefault(c.uid(), c))
                        .orElse(null);
                if (parent != null) {
                    break;
                }
            }
            if (parent != null) {
                graph.attach(node.uid(), parent);
                current.put(
                        node.uid(),
                        node.placed(TraceNode.State.ATTACHED, parent.traceId(), parent.uid(), parent.spanId()));
                if (parent.traceId() != null) {
                    gotTrace.add(node.uid());
                }
            } else if (w.parentKeys().isEmpty() && w.ownRootKey() != null) {
                String traceId = TraceIds.traceId(w.ownRootKey());
                graph.makeRoot(node.uid(), traceId);
                current.put(node.uid(), node.placed(TraceNode.State.ROOT, traceId, null, null));
                gotTrace.add(node.uid());
            } else if (!w.parentKeys().isEmpty() && !w.parentKeys().equals(node.waitingFor())) {
                graph.waitFor(node.uid(), w.parentKeys());
            }
        }
        // Children attached before their parent learnt its trace get it now, all levels at once.
        current.values().stream().filter(n -> n.traceId() != null).forEach(n -> gotTrace.add(n.uid()));
        graph.propagateTraces(gotTrace);
    }

    /** Children that waited for one of these keys are attached now, and so on down the tree. */
    private void wakeWaiters(Collection<String> keys, Collection<String> alreadyPlaced) {
        Set<String> seen = new HashSet<>(alreadyPlaced);
        Set<String> toWake = new LinkedHashSet<>(keys);
        // Bounded: a tree is finite, but a bad key scheme must not spin a listener forever.
        for (int rounds = 0; !toWake.isEmpty() && rounds < 100; rounds++) {
            List<TraceNode> waiters = graph.lockWaiting(toWake).stream()
                    .filter(n -> seen.add(n.uid()))
                    .toList();
            toWake = new LinkedHashSet<>();
            resolve(waiters.stream()
                    .map(n -> new Waiting(n, n.waitingFor(), null))
                    .toList());
            for (TraceNode w : waiters) {
                toWake.addAll(w.keys());
            }
        }
    }

    /** The nodes that these Pods and Events are details of. */
    private Set<String> postponedBy(Collection<Snapshot> details) {
        Set<String> nodes = new TreeSet<>();
        Map<String, String> podsOfEvents = new HashMap<>();
        for (Snapshot detail : details) {
            if ("Pod".equals(detail.kind())) {
                taskRunOfPod(detail).ifPresent(nodes::add);
                continue;
            }
            KubeObject event = new KubeObject(detail.body());
            String involved = involvedUid(event, detail.namespace());
            if (involved == null) {
                continue;
            }
            if ("Pod".equals(event.path("involvedObject", "kind").asString(""))) {
                podsOfEvents.put(detail.uid(), involved);
            } else {
                nodes.add(involved);
            }
        }
        for (Snapshot pod :
                snapshots.headsByUids(new HashSet<>(podsOfEvents.values())).values()) {
            taskRunOfPod(pod).ifPresent(nodes::add);
        }
        return nodes;
    }

    /** The uid of the object an Event is about; without one, by kind, namespace and name (DESIGN §3). */
    private String involvedUid(KubeObject event, String eventNamespace) {
        String uid = KubeObject.text(event.path("involvedObject", "uid"));
        if (uid != null) {
            return uid;
        }
        String kind = KubeObject.text(event.path("involvedObject", "kind"));
        String name = KubeObject.text(event.path("involvedObject", "name"));
        String namespace = KubeObject.text(event.path("involvedObject", "namespace"));
        if (kind == null || name == null) {
            return null;
        }
        return snapshots
                .byName(kind, namespace != null ? namespace : eventNamespace, name)
                .map(Snapshot::uid)
                .orElse(null);
    }

    /** A pod is a detail of its TaskRun: ownerReference first, then the tekton.dev/taskRun label. */
    private Optional<String> taskRunOfPod(Snapshot pod) {
        KubeObject object = new KubeObject(pod.body());
        return object.ownerUid("TaskRun")
                .or(() -> Optional.ofNullable(object.label("tekton.dev/taskRun"))
                        .flatMap(name -> snapshots.byName("TaskRun", object.namespace(), name))
                        .map(Snapshot::uid));
    }
}
