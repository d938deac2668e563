package io.pipelinelens.sensemaker.ingest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read access to the stored object snapshots. */
public interface Snapshots {

    Optional<Snapshot> byUid(String uid);

    Optional<Snapshot> byName(String kind, String namespace, String name);

    /** The newest object of a kind in a namespace that carries all the given labels. */
    Optional<Snapshot> byLabels(String kind, String namespace, Map<String, String> labels);

    /** The Kubernetes Events whose {@code involvedObject.uid} is the given object. */
    List<Snapshot> eventsAbout(String uid);
}
