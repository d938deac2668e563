package io.pipelinelens.sensemaker.lineage.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.sensemaker.ingest.GitWebhook;
import io.pipelinelens.sensemaker.ingest.GitWebhookReceived;
import io.pipelinelens.sensemaker.ingest.GitWebhooks;
import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.ResourceObserved;
import io.pipelinelens.sensemaker.ingest.ResourcesObserved;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import io.pipelinelens.sensemaker.lineage.NodeKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Places every observed resource in the lineage graph (DESIGN §3) as its changes are stored: a
 * batch of changes is placed in one transaction with a handful of statements, on the lineage
 * module's own bounded executor. Handing settled nodes over is left to {@link LineageHousekeeping}.
 */
@Component
class LineageAssembler {

    private static final Logger log = LoggerFactory.getLogger(LineageAssembler.class);
    private static final int ATTEMPTS = 5;

    private final Snapshots snapshots;
    private final GitWebhooks webhooks;
    private final LineageGraph graph;
    private final Placement placement;
    private final StreamClock clock;
    private final LineageProperties properties;
    private final TransactionTemplate transactions;
    private final Counter lateDetails;

    LineageAssembler(
            Snapshots snapshots,
            GitWebhooks webhooks,
            LineageGraph graph,
            Placement placement,
            StreamClock clock,
            LineageProperties properties,
            TransactionTemplate transactions,
            MeterRegistry meters) {
        this.snapshots = snapshots;
        this.webhooks = webhooks;
        this.graph = graph;
        this.placement = placement;
        this.clock = clock;
        this.properties = properties;
        this.transactions = transactions;
        this.lateDetails = meters.counter("pipelinelens.lineage.late.details");
    }

    /**
     * Runs after the ingest committed, in a transaction of its own. Batches that share nodes lock
     * them in the same order, but walking up and down the tree can still cross another batch: the
     * loser of such a deadlock simply tries again. A batch that keeps failing stays incomplete in
     * the event publication registry and is resubmitted later.
     */
    @Async(LineageExecutors.LINEAGE)
    @TransactionalEventListener
    void on(ResourcesObserved observed) {
        retrying(observed.resources().size(), () -> assemble(observed.resources()));
    }

    @Async(LineageExecutors.LINEAGE)
    @TransactionalEventListener
    void on(GitWebhookReceived webhook) {
        // A relayed activity record has no delivery GUID (its id is a hash): it names no git event.
        if (webhook.id().startsWith("sha256:")) {
            return;
        }
        retrying(1, () -> {
            NodeFacts rootNode = Correlations.root(new CorrelationKey.GitEvent(webhook.id()));
            graph.ensureRoot(rootNode, properties.settle());
            // A root settles by its children; its own observation time does not matter.
            Map<String, Instant> root = new HashMap<>();
            root.put(rootNode.uid(), null);
            graph.postpone(root, properties.settle());
            if ("github".equals(webhook.provider()) && "pull_request".equals(webhook.kind())) {
                webhooks.byId(webhook.id()).ifPresent(this::pullRequest);
            }
        });
    }

    private void retrying(int size, Runnable work) {
        for (int attempt = 1; ; attempt++) {
            try {
                transactions.executeWithoutResult(status -> work.run());
                return;
            } catch (ConcurrencyFailureException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                log.debug("Placing a batch of {} changes collided, attempt {}: {}", size, attempt, e.toString());
            }
        }
    }

    private void assemble(List<ResourceObserved> changes) {
        List<LineageGraph.Seed> seeds = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (ResourceObserved change : changes) {
            if (Correlations.NODE_KINDS.contains(change.kind())) {
                seeds.add(new LineageGraph.Seed(
                        change.uid(), NodeKind.ofStored(change.kind()), change.namespace(), change.name()));
            } else if ("Pod".equals(change.kind()) || "Event".equals(change.kind())) {
                details.add(change.uid());
            }
        }
        // Pods and Events are details of a TaskRun (or of the object an Event is about): a new one
        // keeps that node from being handed over for another settle period.
        Collection<Snapshot> detailStates = snapshots.headsByUids(details).values();
        Map<String, Instant> postponed = new Details(snapshots).nodesOf(detailStates);
        // The stream moved on by everything in the batch, whatever it belongs to.
        detailStates.stream().map(Snapshot::observedAt).max(Instant::compareTo).ifPresent(clock::advance);
        graph.insertMissing(seeds);
        Set<String> toLock = new TreeSet<>(postponed.keySet());
        seeds.forEach(s -> toLock.add(s.uid()));
        Map<String, GraphNode> locked = graph.lockAll(toLock);
        countLate(postponed.keySet(), locked);
        // Read under the locks: a batch that stored a newer state waits for us, then reads that state.
        List<NodeFacts> facts = new ArrayList<>();
        Map<String, Instant> observed = new HashMap<>(postponed);
        for (Snapshot s : snapshots
                .byUids(seeds.stream().map(LineageGraph.Seed::uid).toList())
                .values()) {
            Correlations.of(new KubeObject(s.body()), s.deleted()).ifPresent(facts::add);
            observed.merge(s.uid(), s.observedAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
        graph.updateFacts(facts, observed, properties.settle());
        // Storing a node's facts restarts its settle time already: no second write of its row.
        facts.forEach(f -> postponed.remove(f.uid()));
        graph.postpone(postponed, properties.settle());
        observed.values().stream().max(Instant::compareTo).ifPresent(clock::advance);
        placement.place(facts, locked);
    }

    /**
     * Details of a node already handed over cannot change its spans (they are exported once):
     * counted, so that a settle time too short for a cluster shows. A pod deleted after its run
     * finished is the usual, harmless case.
     */
    private void countLate(Set<String> detailed, Map<String, GraphNode> locked) {
        long late = detailed.stream()
                .map(locked::get)
                .filter(n -> n != null && n.recorded())
                .count();
        if (late > 0) {
            lateDetails.increment(late);
            log.debug("{} details arrived after their node was handed over", late);
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
                List.of(new LineageGraph.Seed(uid, NodeKind.PULL_REQUEST, null, repository + "#" + number.asLong())));
        Map<String, GraphNode> locked = graph.lockAll(List.of(uid));
        // Read under the node's lock: a newer delivery committed meanwhile must win.
        webhooks.latestPullRequest(repository, number.asLong()).ifPresent(latest -> {
            // A merged PR waits for the environment PRs that promote it before it is handed over.
            boolean merged =
                    latest.payload().path("pull_request").path("merged").asBoolean(false);
            Correlations.pullRequest(latest.payload()).ifPresent(facts -> {
                graph.updateFacts(
                        List.of(facts),
                        Map.of(facts.uid(), latest.receivedAt()),
                        merged ? properties.gitopsChildDelay() : properties.settle());
                placement.place(List.of(facts), locked);
            });
        });
    }
}
