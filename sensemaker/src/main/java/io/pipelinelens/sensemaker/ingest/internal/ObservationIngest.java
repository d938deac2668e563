package io.pipelinelens.sensemaker.ingest.internal;

import static io.pipelinelens.sensemaker.db.Tables.GIT_WEBHOOKS;
import static io.pipelinelens.sensemaker.db.Tables.RECEIVED_EVENTS;
import static io.pipelinelens.sensemaker.db.Tables.RESOURCE_SNAPSHOTS;
import static org.jooq.impl.DSL.excluded;

import io.pipelinelens.contracts.EventType;
import io.pipelinelens.sensemaker.ingest.GitWebhookReceived;
import io.pipelinelens.sensemaker.ingest.ResourceObserved;
import io.pipelinelens.sensemaker.ingest.ResourcesObserved;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep2;
import org.jooq.InsertValuesStep9;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Stores a batch of observations in one transaction: dedupes them by event id, keeps the newest
 * snapshot per object, and announces what changed in the same transaction (the event publication
 * registry makes that announcement as durable as the snapshots).
 */
@Service
class ObservationIngest {

    /** Newer only: resourceVersions are compared as numbers when both are (etcd's are). */
    private static final Condition NEWER = DSL.condition(
            "case when {0} ~ '^[0-9]+$' and {1} ~ '^[0-9]+$' then {0}::numeric > {1}::numeric else true end",
            DSL.field("excluded.resource_version", String.class), RESOURCE_SNAPSHOTS.RESOURCE_VERSION);

    private final DSLContext db;
    private final ApplicationEventPublisher events;

    ObservationIngest(DSLContext db, ApplicationEventPublisher events) {
        this.db = db;
        this.events = events;
    }

    /** How many observations of a batch were new, and how many were redeliveries. */
    record Outcome(int ingested, int duplicates) {}

    @Transactional
    Outcome ingest(List<Observation> batch) {
        Map<String, Observation> byId = new LinkedHashMap<>();
        batch.forEach(o -> byId.putIfAbsent(o.id(), o));
        Set<String> fresh = markReceived(byId.values());
        List<Observation> webhooks = new ArrayList<>();
        // Sorted by uid: concurrent consumers lock the snapshot rows they share in the same order.
        Map<String, Observation> newestByUid = new TreeMap<>();
        for (Observation o : byId.values()) {
            if (!fresh.contains(o.id())) {
                continue;
            }
            if (o.type() == EventType.GIT_WEBHOOK_RECEIVED) {
                webhooks.add(o);
            } else {
                newestByUid.merge(o.object().uid(), o, ObservationIngest::newer);
            }
        }
        webhooks.forEach(this::storeWebhook);
        storeSnapshots(newestByUid.values());
        return new Outcome(fresh.size(), batch.size() - fresh.size());
    }

    private Set<String> markReceived(Iterable<Observation> observations) {
        InsertValuesStep2<?, String, String> insert =
                db.insertInto(RECEIVED_EVENTS, RECEIVED_EVENTS.ID, RECEIVED_EVENTS.TYPE);
        for (Observation o : observations) {
            insert = insert.values(o.id(), o.type().type());
        }
        return new HashSet<>(
                insert.onConflictDoNothing().returningResult(RECEIVED_EVENTS.ID).fetch(RECEIVED_EVENTS.ID));
    }

    private void storeWebhook(Observation observation) {
        JsonNode data = observation.data();
        String provider = text(data, "provider");
        String kind = text(data, "kind");
        db.insertInto(GIT_WEBHOOKS)
                .set(GIT_WEBHOOKS.ID, observation.id())
                .set(GIT_WEBHOOKS.PROVIDER, provider)
                .set(GIT_WEBHOOKS.KIND, kind)
                .set(GIT_WEBHOOKS.SUBJECT, observation.subject())
                .set(GIT_WEBHOOKS.BODY, JSONB.valueOf(observation.dataJson()))
                .set(GIT_WEBHOOKS.RECEIVED_AT, observation.time().atOffset(ZoneOffset.UTC))
                .onConflictDoNothing()
                .execute();
        events.publishEvent(new GitWebhookReceived(observation.id(), provider, kind));
    }

    private void storeSnapshots(Iterable<Observation> newest) {
        var r = RESOURCE_SNAPSHOTS;
        InsertValuesStep9<?, String, String, String, String, String, String, Boolean, JSONB, java.time.OffsetDateTime>
                insert = db.insertInto(
                        r,
                        r.UID,
                        r.API_VERSION,
                        r.KIND,
                        r.NAMESPACE,
                        r.NAME,
                        r.RESOURCE_VERSION,
                        r.DELETED,
                        r.BODY,
                        r.OBSERVED_AT);
        Map<String, Observation> byUid = new LinkedHashMap<>();
        for (Observation o : newest) {
            Observation.ObjectRef ref = o.object();
            byUid.put(ref.uid(), o);
            insert = insert.values(
                    ref.uid(),
                    ref.apiVersion(),
                    ref.kind(),
                    ref.namespace(),
                    ref.name(),
                    ref.resourceVersion(),
                    o.deletion(),
                    JSONB.valueOf(o.dataJson()),
                    o.time().atOffset(ZoneOffset.UTC));
        }
        if (byUid.isEmpty()) {
            return;
        }
        // A deletion is final whatever its version; an older applied state never overwrites a newer one.
        Set<String> changed = new HashSet<>(insert.onConflict(r.UID)
                .doUpdate()
                .set(r.RESOURCE_VERSION, excluded(r.RESOURCE_VERSION))
                .set(r.DELETED, excluded(r.DELETED))
                .set(r.BODY, excluded(r.BODY))
                .set(r.OBSERVED_AT, excluded(r.OBSERVED_AT))
                .where(excluded(r.DELETED).isTrue().or(NEWER))
                .returningResult(r.UID)
                .fetch(r.UID));
        List<ResourceObserved> announced = new ArrayList<>();
        byUid.forEach((uid, o) -> {
            if (changed.contains(uid)) {
                Observation.ObjectRef ref = o.object();
                announced.add(new ResourceObserved(
                        o.id(),
                        uid,
                        ref.apiVersion(),
                        ref.kind(),
                        ref.namespace(),
                        ref.name(),
                        ref.resourceVersion(),
                        o.deletion()));
            }
        });
        if (!announced.isEmpty()) {
            events.publishEvent(new ResourcesObserved(announced));
        }
    }

    /** Of two states of one object in a batch, the one to keep: a deletion, else the higher version. */
    static Observation newer(Observation a, Observation b) {
        if (a.deletion() != b.deletion()) {
            return a.deletion() ? a : b;
        }
        String va = a.object().resourceVersion();
        String vb = b.object().resourceVersion();
        if (isNumber(va) && isNumber(vb)) {
            return new java.math.BigInteger(va).compareTo(new java.math.BigInteger(vb)) > 0 ? a : b;
        }
        return b; // not comparable: the later one, as the database would keep it
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String text(JsonNode node, String field) {
        String value = Observation.text(node, field);
        return value == null ? "unknown" : value;
    }
}
