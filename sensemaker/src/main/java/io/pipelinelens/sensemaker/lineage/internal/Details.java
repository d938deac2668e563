package io.pipelinelens.sensemaker.lineage.internal;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pods and Kubernetes Events are not nodes but details of one: a pod of its TaskRun, an Event of
 * the object it is about (or of its pod's TaskRun). A new detail keeps its node from settling.
 */
final class Details {

    private final Snapshots snapshots;

    Details(Snapshots snapshots) {
        this.snapshots = snapshots;
    }

    /** The uids of the nodes these pods and Events are details of. */
    Set<String> nodesOf(Collection<Snapshot> details) {
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
    Optional<String> taskRunOfPod(Snapshot pod) {
        KubeObject object = new KubeObject(pod.body());
        return object.ownerUid("TaskRun")
                .or(() -> Optional.ofNullable(object.label("tekton.dev/taskRun"))
                        .flatMap(name -> snapshots.byName("TaskRun", object.namespace(), name))
                        .map(Snapshot::uid));
    }
}
