package io.pipelinelens.sensemaker.lineage;

import java.util.Arrays;
import java.util.Optional;

/** What a node of the lineage graph stands for: a watched resource, or a root made for an event. */
public enum NodeKind {
    GIT_EVENT("GitEvent"),
    TRIGGERS_EVENT("TriggersEvent"),
    PULL_REQUEST("PullRequest"),
    LIGHTHOUSE_JOB("LighthouseJob"),
    PIPELINE_RUN("PipelineRun"),
    TASK_RUN("TaskRun"),
    PIPELINE_ACTIVITY("PipelineActivity");

    private final String stored;

    NodeKind(String stored) {
        this.stored = stored;
    }

    /** The Kubernetes kind for a resource, the name a root is stored under otherwise. */
    public String stored() {
        return stored;
    }

    /** Roots made on demand (an event named by the resources it started), not watched resources. */
    public boolean synthesizedRoot() {
        return this == GIT_EVENT || this == TRIGGERS_EVENT;
    }

    public static Optional<NodeKind> of(String stored) {
        return Arrays.stream(values()).filter(k -> k.stored.equals(stored)).findFirst();
    }

    public static NodeKind ofStored(String stored) {
        return of(stored).orElseThrow(() -> new IllegalArgumentException("not a node kind: " + stored));
    }
}
