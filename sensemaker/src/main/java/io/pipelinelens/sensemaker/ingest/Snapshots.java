package io.pipelinelens.sensemaker.ingest;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read access to the stored object snapshots. */
public interface Snapshots {

    Optional<Snapshot> byUid(String uid);

    /** The snapshots of those of the objects that are stored, by uid. */
    Map<String, Snapshot> byUids(Collection<String> uids);

    /**
     * Like {@link #byUids}, with each body cut to what names an object and links it to others:
     * everything but {@code spec} and {@code status}, which are most of a pod's bytes.
     */
    Map<String, Snapshot> headsByUids(Collection<String> uids);

    Optional<Snapshot> byName(String kind, String namespace, String name);

    /**
     * The newest object of a kind in a namespace whose label has the value. Indexed for
     * {@code dashboard.tekton.dev/rerunOf} (re-runs of a run); other labels scan the kind.
     */
    Optional<Snapshot> byLabel(String kind, String namespace, String label, String value);

    /** The newest objects of a kind in a namespace, for many names at once, by name. */
    Map<String, Snapshot> byNames(String kind, String namespace, Collection<String> names);

    /**
     * The Kubernetes Events about an object: by {@code involvedObject.uid}, or, for Events that
     * carry no uid, by its kind, namespace and name.
     */
    List<Snapshot> eventsAbout(String uid, String kind, String namespace, String name);

    /** {@link #eventsAbout} for many objects at once, by the objects' uids (each one has an entry). */
    Map<String, List<Snapshot>> eventsAbout(Collection<ObjectRef> objects);

    /** An object that Events can be about. */
    record ObjectRef(String uid, String kind, String namespace, String name) {}
}
