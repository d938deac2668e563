package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshots a batch of finished nodes will ask for — their pods and the Events about them and
 * their pods — read with a few queries up front instead of a few per node. Anything else is asked
 * of the store as usual.
 */
final class PrefetchedSnapshots implements Snapshots {

    private final Snapshots store;
    private final Map<String, Snapshot> pods = new HashMap<>();
    private final Map<String, List<Snapshot>> events;

    private PrefetchedSnapshots(Snapshots store, Collection<Snapshot> nodes) {
        this.store = store;
        Map<String, List<String>> podNames = new HashMap<>();
        for (Snapshot node : nodes) {
            String podName = "TaskRun".equals(node.kind())
                    ? KubeObject.text(node.body().path("status").path("podName"))
                    : null;
            if (podName != null) {
                podNames.computeIfAbsent(node.namespace(), ns -> new ArrayList<>())
                        .add(podName);
            }
        }
        podNames.forEach((namespace, names) ->
                store.byNames("Pod", namespace, names).forEach((name, pod) -> pods.put(key(namespace, name), pod)));
        List<ObjectRef> involved = new ArrayList<>();
        for (Snapshot s : nodes) {
            if ("TaskRun".equals(s.kind()) || "PipelineRun".equals(s.kind())) {
                involved.add(new ObjectRef(s.uid(), s.kind(), s.namespace(), s.name()));
            }
        }
        pods.values().forEach(p -> involved.add(new ObjectRef(p.uid(), p.kind(), p.namespace(), p.name())));
        this.events = store.eventsAbout(involved);
    }

    static PrefetchedSnapshots of(Snapshots store, Collection<Snapshot> nodes) {
        return new PrefetchedSnapshots(store, nodes);
    }

    @Override
    public Optional<Snapshot> byName(String kind, String namespace, String name) {
        Snapshot pod = "Pod".equals(kind) ? pods.get(key(namespace, name)) : null;
        return pod != null ? Optional.of(pod) : store.byName(kind, namespace, name);
    }

    @Override
    public List<Snapshot> eventsAbout(String uid, String kind, String namespace, String name) {
        List<Snapshot> known = events.get(uid);
        return known != null ? known : store.eventsAbout(uid, kind, namespace, name);
    }

    @Override
    public Optional<Snapshot> byUid(String uid) {
        return store.byUid(uid);
    }

    @Override
    public Map<String, Snapshot> byUids(Collection<String> uids) {
        return store.byUids(uids);
    }

    @Override
    public Map<String, Snapshot> headsByUids(Collection<String> uids) {
        return store.headsByUids(uids);
    }

    @Override
    public Map<String, Snapshot> byNames(String kind, String namespace, Collection<String> names) {
        return store.byNames(kind, namespace, names);
    }

    @Override
    public Optional<Snapshot> byLabel(String kind, String namespace, String label, String value) {
        return store.byLabel(kind, namespace, label, value);
    }

    @Override
    public Map<String, List<Snapshot>> eventsAbout(Collection<ObjectRef> objects) {
        return store.eventsAbout(objects);
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
