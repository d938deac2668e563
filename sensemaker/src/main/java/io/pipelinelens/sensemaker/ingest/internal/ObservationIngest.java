package io.pipelinelens.sensemaker.ingest.internal;

import static io.pipelinelens.sensemaker.db.Tables.GIT_WEBHOOKS;
import static io.pipelinelens.sensemaker.db.Tables.RECEIVED_EVENTS;
import static io.pipelinelens.sensemaker.db.Tables.RESOURCE_SNAPSHOTS;

import io.pipelinelens.contracts.EventType;
import io.pipelinelens.sensemaker.ingest.GitWebhookReceived;
import io.pipelinelens.sensemaker.ingest.ResourceObserved;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Stores one observation: dedupes it by event id, keeps the newest snapshot per object, and
 * announces a change in the same transaction (the event publication registry makes that
 * announcement as durable as the snapshot).
 */
@Service
class ObservationIngest {

    private static final Logger log = LoggerFactory.getLogger(ObservationIngest.class);

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

    /** @return whether the observation was new (not a redelivery of an event already ingested) */
    @Transactional
    boolean ingest(Observation observation) {
        int fresh = db.insertInto(RECEIVED_EVENTS, RECEIVED_EVENTS.ID, RECEIVED_EVENTS.TYPE)
                .values(observation.id(), observation.type().type())
                .onConflictDoNothing()
                .execute();
        if (fresh == 0) {
            log.debug("Duplicate event {} ignored", observation.id());
            return false;
        }
        if (observation.type() == EventType.GIT_WEBHOOK_RECEIVED) {
            storeWebhook(observation);
        } else {
            storeSnapshot(observation);
        }
        return true;
    }

    private void storeWebhook(Observation observation) {
        JsonNode data = observation.data();
        db.insertInto(GIT_WEBHOOKS)
                .set(GIT_WEBHOOKS.ID, observation.id())
                .set(GIT_WEBHOOKS.PROVIDER, text(data, "provider", "unknown"))
                .set(GIT_WEBHOOKS.KIND, text(data, "kind", "unknown"))
                .set(GIT_WEBHOOKS.SUBJECT, observation.subject())
                .set(GIT_WEBHOOKS.BODY, JSONB.valueOf(data.toString()))
                .set(GIT_WEBHOOKS.RECEIVED_AT, observation.time().atOffset(ZoneOffset.UTC))
                .onConflictDoNothing()
                .execute();
        events.publishEvent(new GitWebhookReceived(
                observation.id(), text(data, "provider", "unknown"), text(data, "kind", "unknown")));
    }

    private void storeSnapshot(Observation observation) {
        JsonNode object = observation.data();
        JsonNode metadata = object.path("metadata");
        String uid = text(metadata, "uid", null);
        String resourceVersion = text(metadata, "resourceVersion", null);
        String kind = text(object, "kind", null);
        String apiVersion = text(object, "apiVersion", null);
        String name = text(metadata, "name", null);
        if (uid == null || resourceVersion == null || kind == null || apiVersion == null || name == null) {
            throw new InvalidObservation(
                    "event " + observation.id()
                            + " carries no Kubernetes object (apiVersion, kind, metadata.name, uid and resourceVersion are required)");
        }
        String namespace = text(metadata, "namespace", null);
        boolean deleted = observation.type() == EventType.RESOURCE_DELETED;
        OffsetDateTime observedAt = observation.time().atOffset(ZoneOffset.UTC);

        var upsert = db.insertInto(RESOURCE_SNAPSHOTS)
                .set(RESOURCE_SNAPSHOTS.UID, uid)
                .set(RESOURCE_SNAPSHOTS.API_VERSION, apiVersion)
                .set(RESOURCE_SNAPSHOTS.KIND, kind)
                .set(RESOURCE_SNAPSHOTS.NAMESPACE, namespace)
                .set(RESOURCE_SNAPSHOTS.NAME, name)
                .set(RESOURCE_SNAPSHOTS.RESOURCE_VERSION, resourceVersion)
                .set(RESOURCE_SNAPSHOTS.DELETED, deleted)
                .set(RESOURCE_SNAPSHOTS.BODY, JSONB.valueOf(object.toString()))
                .set(RESOURCE_SNAPSHOTS.OBSERVED_AT, observedAt)
                .onConflict(RESOURCE_SNAPSHOTS.UID)
                .doUpdate()
                .set(RESOURCE_SNAPSHOTS.RESOURCE_VERSION, resourceVersion)
                .set(RESOURCE_SNAPSHOTS.DELETED, deleted)
                .set(RESOURCE_SNAPSHOTS.BODY, JSONB.valueOf(object.toString()))
                .set(RESOURCE_SNAPSHOTS.OBSERVED_AT, observedAt);
        // A deletion is final whatever its version; an older applied state never overwrites a newer one.
        int changed = deleted ? upsert.execute() : upsert.where(NEWER).execute();
        if (changed == 0) {
            log.debug(
                    "Event {} carries an older state of {} {}/{}; kept the newer one",
                    observation.id(),
                    kind,
                    namespace,
                    name);
            return;
        }
        events.publishEvent(new ResourceObserved(
                observation.id(), uid, apiVersion, kind, namespace, name, resourceVersion, deleted));
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asString().isBlank() ? fallback : value.asString();
    }
}
