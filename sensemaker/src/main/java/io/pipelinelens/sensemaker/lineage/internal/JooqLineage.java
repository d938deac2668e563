package io.pipelinelens.sensemaker.lineage.internal;

import io.pipelinelens.sensemaker.ingest.Snapshots;
import io.pipelinelens.sensemaker.lineage.Lineage;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** The lineage graph's answers, read from PostgreSQL. */
@Service
class JooqLineage implements Lineage {

    private static final Logger log = LoggerFactory.getLogger(JooqLineage.class);
    /** Deeper than any real tree (event → job → run → task); a bound against a cycle in bad data. */
    private static final int MAX_DEPTH = 64;

    private final LineageGraph graph;
    private final Snapshots snapshots;

    JooqLineage(LineageGraph graph, Snapshots snapshots) {
        this.graph = graph;
        this.snapshots = snapshots;
    }

    @Override
    public Optional<LineageNode> node(String uid) {
        return graph.find(uid).map(GraphNode::view);
    }

    @Override
    public Optional<LineageNode> parent(String uid) {
        return graph.find(uid).map(GraphNode::parentUid).flatMap(graph::find).map(GraphNode::view);
    }

    @Override
    public List<LineageNode> children(String uid) {
        return graph.children(uid).stream().map(GraphNode::view).toList();
    }

    @Override
    public List<LineageNode> ancestors(String uid) {
        List<LineageNode> ancestors = new ArrayList<>();
        Set<String> seen = new HashSet<>(List.of(uid));
        Optional<GraphNode> current = graph.find(uid);
        while (current.isPresent() && current.get().parentUid() != null && ancestors.size() < MAX_DEPTH) {
            if (!seen.add(current.get().parentUid())) {
                break;
            }
            current = graph.find(current.get().parentUid());
            current.map(GraphNode::view).ifPresent(ancestors::add);
        }
        return ancestors;
    }

    @Override
    public Optional<LineageNode> taskRunOfPod(String podUid) {
        return snapshots
                .byUid(podUid)
                .flatMap(new Details(snapshots)::taskRunOfPod)
                .flatMap(graph::find)
                .map(GraphNode::view);
    }

    @Override
    public List<LineageNode> ofTrace(String traceId) {
        return graph.ofTrace(traceId).stream().map(GraphNode::view).toList();
    }

    @Override
    public List<LineageNode> ofGitEvent(String guid) {
        return ofTrace(TraceIds.traceId(TraceIds.gitEventRoot(guid)));
    }

    @Override
    public List<LineageNode> ofPullRequest(String repository, long number) {
        return graph.find(Correlations.pullRequestUid(repository, number))
                .map(GraphNode::traceId)
                .map(this::ofTrace)
                .orElse(List.of());
    }

    @Override
    public List<LineageNode> parked(int limit) {
        return graph.parked(limit).stream().map(GraphNode::view).toList();
    }

    @Override
    public void park(String uid, String reason) {
        log.error("Parked {}: {}", uid, reason);
        graph.park(uid, reason);
    }
}
