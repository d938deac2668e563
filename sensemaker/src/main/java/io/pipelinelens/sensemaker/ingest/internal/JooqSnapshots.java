package io.pipelinelens.sensemaker.ingest.internal;

import static io.pipelinelens.sensemaker.db.Tables.RESOURCE_SNAPSHOTS;

import io.pipelinelens.sensemaker.db.tables.records.ResourceSnapshotsRecord;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Repository
class JooqSnapshots implements Snapshots {

    private final DSLContext db;
    private final JsonMapper json;

    JooqSnapshots(DSLContext db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public Optional<Snapshot> byUid(String uid) {
        return db.selectFrom(RESOURCE_SNAPSHOTS)
                .where(RESOURCE_SNAPSHOTS.UID.eq(uid))
                .fetchOptional()
                .map(this::toSnapshot);
    }

    @Override
    public Map<String, Snapshot> byUids(Collection<String> uids) {
        if (uids.isEmpty()) {
            return Map.of();
        }
        Map<String, Snapshot> found = new HashMap<>();
        db.selectFrom(RESOURCE_SNAPSHOTS)
                .where(RESOURCE_SNAPSHOTS.UID.eq(DSL.any(uids.toArray(String[]::new))))
                .forEach(r -> found.put(r.getUid(), toSnapshot(r)));
        return found;
    }

    @Override
    public Map<String, Snapshot> headsByUids(Collection<String> uids) {
        if (uids.isEmpty()) {
            return Map.of();
        }
        var r = RESOURCE_SNAPSHOTS;
        Field<JSONB> head = DSL.field("{0} - 'spec' - 'status'", JSONB.class, r.BODY);
        Map<String, Snapshot> found = new HashMap<>();
        db.select(r.UID, r.API_VERSION, r.KIND, r.NAMESPACE, r.NAME, r.RESOURCE_VERSION, r.DELETED, head, r.OBSERVED_AT)
                .from(r)
                .where(r.UID.eq(DSL.any(uids.toArray(String[]::new))))
                .forEach(row -> found.put(
                        row.value1(),
                        new Snapshot(
                                row.value1(),
                                row.value2(),
                                row.value3(),
                                row.value4(),
                                row.value5(),
                                row.value6(),
                                row.value7(),
                                json.readTree(row.value8().data()),
                                row.value9().toInstant())));
        return found;
    }

    @Override
    public Optional<Snapshot> byName(String kind, String namespace, String name) {
        return db.selectFrom(RESOURCE_SNAPSHOTS)
                .where(RESOURCE_SNAPSHOTS.KIND.eq(kind))
                .and(RESOURCE_SNAPSHOTS.NAMESPACE.eq(namespace))
                .and(RESOURCE_SNAPSHOTS.NAME.eq(name))
                .orderBy(RESOURCE_SNAPSHOTS.OBSERVED_AT.desc())
                .limit(1)
                .fetchOptional()
                .map(this::toSnapshot);
    }

    @Override
    public Optional<Snapshot> byLabel(String kind, String namespace, String label, String value) {
        var r = RESOURCE_SNAPSHOTS;
        // Kind and label are inlined so that the condition matches a partial expression index.
        return db.selectFrom(r)
                .where(DSL.field("{0} -> 'metadata' -> 'labels' ->> {1}", String.class, r.BODY, DSL.inline(label))
                        .eq(value))
                .and(r.KIND.eq(DSL.inline(kind)))
                .and(r.NAMESPACE.eq(namespace))
                .orderBy(r.OBSERVED_AT.desc())
                .limit(1)
                .fetchOptional()
                .map(this::toSnapshot);
    }

    @Override
    public Map<String, Snapshot> byNames(String kind, String namespace, Collection<String> names) {
        if (names.isEmpty()) {
            return Map.of();
        }
        var r = RESOURCE_SNAPSHOTS;
        Map<String, Snapshot> found = new HashMap<>();
        // A name can be reused after a deletion: the newest object of that name wins.
        db.selectFrom(r)
                .where(r.KIND.eq(kind))
                .and(r.NAMESPACE.eq(namespace))
                .and(r.NAME.eq(DSL.any(names.toArray(String[]::new))))
                .orderBy(r.OBSERVED_AT.desc())
                .forEach(row -> found.putIfAbsent(row.getName(), toSnapshot(row)));
        return found;
    }

    @Override
    public List<Snapshot> eventsAbout(String uid, String kind, String namespace, String name) {
        return eventsAbout(List.of(new ObjectRef(uid, kind, namespace, name))).get(uid);
    }

    @Override
    public Map<String, List<Snapshot>> eventsAbout(Collection<ObjectRef> objects) {
        Map<String, List<Snapshot>> about = new HashMap<>();
        objects.forEach(o -> about.put(o.uid(), new ArrayList<>()));
        if (objects.isEmpty()) {
            return about;
        }
        var r = RESOURCE_SNAPSHOTS;
        Field<String> involvedUid = DSL.field("{0} -> 'involvedObject' ->> 'uid'", String.class, r.BODY);
        Field<String> involvedName = DSL.field("{0} -> 'involvedObject' ->> 'name'", String.class, r.BODY);
        // Two lookups, each on its own partial index: one OR across both would scan every Event.
        // The kind is inlined: a bound value would not match the indexes' predicate in a generic plan.
        db.selectFrom(r)
                .where(r.KIND.eq(DSL.inline("Event")))
                .and(involvedUid.eq(DSL.any(about.keySet().toArray(String[]::new))))
                .forEach(row -> {
                    Snapshot event = toSnapshot(row);
                    about.get(Observation.text(event.body().path("involvedObject"), "uid"))
                            .add(event);
                });
        Map<String, ObjectRef> byName = new HashMap<>();
        objects.forEach(o -> byName.put(o.kind() + "/" + o.namespace() + "/" + o.name(), o));
        db.selectFrom(r)
                .where(r.KIND.eq(DSL.inline("Event")))
                .and(involvedUid.isNull())
                .and(r.NAMESPACE.eq(DSL.any(
                        objects.stream().map(ObjectRef::namespace).distinct().toArray(String[]::new))))
                .and(involvedName.eq(
                        DSL.any(objects.stream().map(ObjectRef::name).distinct().toArray(String[]::new))))
                .forEach(row -> {
                    Snapshot event = toSnapshot(row);
                    JsonNode involved = event.body().path("involvedObject");
                    ObjectRef object = byName.get(Observation.text(involved, "kind") + "/" + event.namespace() + "/"
                            + Observation.text(involved, "name"));
                    if (object != null) {
                        about.get(object.uid()).add(event);
                    }
                });
        about.values().forEach(events -> events.sort(Comparator.comparing(Snapshot::uid)));
        return about;
    }

    private Snapshot toSnapshot(ResourceSnapshotsRecord r) {
        return new Snapshot(
                r.getUid(),
                r.getApiVersion(),
                r.getKind(),
                r.getNamespace(),
                r.getName(),
                r.getResourceVersion(),
                r.getDeleted(),
                json.readTree(r.getBody().data()),
                r.getObservedAt().toInstant());
    }
}
