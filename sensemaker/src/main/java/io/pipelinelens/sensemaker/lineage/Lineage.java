package io.pipelinelens.sensemaker.lineage;

import java.util.List;
import java.util.Optional;

/**
 * The correlation graph of everything observed (DESIGN §3): which resource belongs under which,
 * up to the git event, Triggers event or pull request that started it all. Read-only for other
 * modules, apart from parking a node they cannot make sense of.
 */
public interface Lineage {

    Optional<LineageNode> node(String uid);

    Optional<LineageNode> parent(String uid);

    /** The direct children, in uid order (the same on every replica). */
    List<LineageNode> children(String uid);

    /** Parent first, up to the root. */
    List<LineageNode> ancestors(String uid);

    /** The TaskRun a pod ran for, by its owner reference or its {@code tekton.dev/taskRun} label. */
    Optional<LineageNode> taskRunOfPod(String podUid);

    /** Every node of a trace, in uid order. */
    List<LineageNode> ofTrace(String traceId);

    /** Every node of the trace a git event (webhook delivery GUID) started. */
    List<LineageNode> ofGitEvent(String guid);

    /** Every node of the gitops trace a pull request belongs to ({@code owner/name}, number). */
    List<LineageNode> ofPullRequest(String repository, long number);

    /** Nodes whose spans could not be built, newest first. */
    List<LineageNode> parked(int limit);

    /**
     * Keeps a settled node from being handed over again until it changes or the application
     * restarts (a fix is deployed); the reason is logged, counted and shown by {@link #parked}.
     */
    void park(String uid, String reason);
}
