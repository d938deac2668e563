package io.pipelinelens.sensemaker.ingest.internal;

import static io.pipelinelens.sensemaker.db.Tables.GIT_WEBHOOKS;

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
import org.jooq.DSLContext;
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

    /**
     * Statements over arrays ({@code unnest}) rather than multi-row {@code VALUES}: the text is the
     * same for every batch, so PostgreSQL plans it once per connection instead of once per batch.
     */
    private static final String MARK_RECEIVED = """
            insert into received_events (id, type)
            select * from unnest({0}::text[], {1}::text[])
            on conflict do nothing
            returning id""";

    private Set<String> markReceived(java.util.Collection<Observation> observations) {
        String[] ids = new String[observations.size()];
        String[] types = new String[observations.size()];
        int i = 0;
        for (Observation o : observations) {
            ids[i] = o.id();
            types[i++] = o.type().type();
        }
        return new HashSet<>(
                db.resultQuery(MARK_RECEIVED, DSL.val(ids), DSL.val(types)).fetch(0, String.class));
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

    /**
     * The newest state of each object, unless the stored one is newer: a deletion is final
     * whatever its version, and versions are compared as numbers when both are (etcd's are).
     */
    private static final String STORE_SNAPSHOTS = """
            insert into resource_snapshots as r
              (uid, api_version, kind, namespace, name, resource_version, deleted, body, observed_at)
            select uid, api_version, kind, namespace, name, resource_version, deleted, body::jsonb, observed_at::timestamptz
            from unnest({0}::text[], {1}::text[], {2}::text[], {3}::text[], {4}::text[], {5}::text[],
                        {6}::boolean[], {7}::text[], {8}::text[])
              as s(uid, api_version, kind, namespace, name, resource_version, deleted, body, observed_at)
            on conflict (uid) do update
              set resource_version = excluded.resource_version, deleted = excluded.deleted,
                  body = excluded.body, observed_at = excluded.observed_at
              where excluded.deleted
                 or case when excluded.resource_version ~ '^[0-9]+$' and r.resource_version ~ '^[0-9]+$'
                         then excluded.resource_version::numeric > r.resource_version::numeric
                         else true end
            returning uid""";

    private void storeSnapshots(java.util.Collection<Observation> newest) {
        if (newest.isEmpty()) {
            return;
        }
        int n = newest.size();
        String[] uids = new String[n];
        String[] apiVersions = new String[n];
        String[] kinds = new String[n];
        String[] namespaces = new String[n];
        String[] names = new String[n];
        String[] versions = new String[n];
        Boolean[] deleted = new Boolean[n];
        String[] bodies = new String[n];
        String[] observedAt = new String[n];
        Map<String, Observation> byUid = new LinkedHashMap<>();
        int i = 0;
        for (Observation o : newest) {
            Observation.ObjectRef ref = o.object();
            byUid.put(ref.uid(), o);
            uids[i] = ref.uid();
            apiVersions[i] = ref.apiVersion();
            kinds[i] = ref.kind();
            namespaces[i] = ref.namespace();
            names[i] = ref.name();
            versions[i] = ref.resourceVersion();
            deleted[i] = o.deletion();
            bodies[i] = o.dataJson();
            observedAt[i++] = o.time().toString();
        }
        Set<String> changed = new HashSet<>(db.resultQuery(
                        STORE_SNAPSHOTS,
                        DSL.val(uids),
                        DSL.val(apiVersions),
                        DSL.val(kinds),
                        DSL.val(namespaces),
                        DSL.val(names),
                        DSL.val(versions),
                        DSL.val(deleted),
                        DSL.val(bodies),
                        DSL.val(observedAt))
                .fetch(0, String.class));
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
