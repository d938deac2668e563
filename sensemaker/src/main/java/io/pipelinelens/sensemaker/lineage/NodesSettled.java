package io.pipelinelens.sensemaker.lineage;

import java.util.List;

/**
 * These nodes are done: each finished, knows its trace and has not changed (nor have its pods and
 * Events) for the settle period; a root is done once everything under it is and its grace period
 * passed. Published inside the transaction that hands them over, so a listener that fails rolls
 * the hand-over back and they are offered again; a listener that cannot use one node parks it
 * ({@link Lineage#park}) instead of failing the others.
 */
public record NodesSettled(List<LineageNode> nodes) {

    public NodesSettled {
        nodes = List.copyOf(nodes);
    }
}
