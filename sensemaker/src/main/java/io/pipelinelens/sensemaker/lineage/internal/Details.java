package io.pipelinelens.sensemaker.lineage.internal;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pods and Kubernetes Events are not nodes but details of one: a pod of its TaskRun, an Event of
 * the object it is about (or of its pod's TaskRun). A new detail keeps its node from settling.
 */
final class Details {

    private final Snapshots snapshots;

    Details(Snapshots snapshots) {
        this.snapshots = snapshots;
    }

    /** The nodes these pods and Events are details of, with the latest observation of a detail of each. */
    Map<String, Instant> nodesOf(Collection<Snapshot> details) {
        Map<String, Instant> nodes = new TreeMap<>();
        Map<String, List<Snapshot>> eventsOfPods = new HashMap<>();
        for (Snapshot detail : details) {
            if ("Pod".equals(detail.kind())) {
                taskRunOfPod(detail).ifPresent(node -> observed(nodes, node, detail.observedAt()));
                continue;
            }
            KubeObject event = new KubeObject(detail.body());
            String involved = involvedUid(event, detail.namespace());
            if (involved == null) {
                continue;
            }
            if ("Pod".equals(event.path("involvedObject", "kind").asString(""))) {
                eventsOfPods.computeIfAbsent(involved, pod -> new ArrayList<>()).add(detail);
            } else {
                observed(nodes, involved, detail.observedAt());
            }
        }
        for (Snapshot pod : snapshots.headsByUids(eventsOfPods.keySet()).values()) {
            taskRunOfPod(pod)
                    .ifPresent(node -> eventsOfPods
                            .getOrDefault(pod.uid(), List.of())
                            .forEach(event -> observed(nodes, node, event.observedAt())));
        }
        return nodes;
    }

    private static void observed(Map<String, Instant> nodes, String node, Instant at) {
        nodes.merge(node, at, (a, b) -> a.isAfter(b) ? a : b);
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
    Optional<String> taskRunOfPod(Snapshot pod) {
        KubeObject object = new KubeObject(pod.body());
        return object.ownerUid("TaskRun")
                .or(() -> Optional.ofNullable(object.label("tekton.dev/taskRun"))
                        .flatMap(name -> snapshots.byName("TaskRun", object.namespace(), name))
                        .map(Snapshot::uid));
    }
}
