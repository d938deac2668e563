package io.pipelinelens.sensemaker.ingest;

import java.util.Optional;

/** Read access to the stored object snapshots. */
public interface Snapshots {

    Optional<Snapshot> byUid(String uid);

    Optional<Snapshot> byName(String kind, String namespace, String name);
}
