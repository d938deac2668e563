package io.pipelinelens.sensemaker.ingest.internal;

import static io.pipelinelens.sensemaker.db.Tables.GIT_WEBHOOKS;
import static io.pipelinelens.sensemaker.db.Tables.RECEIVED_EVENTS;
import static io.pipelinelens.sensemaker.db.Tables.RESOURCE_SNAPSHOTS;

import io.pipelinelens.sensemaker.Retention;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes raw events, webhooks and snapshots past the retention window. An event id forgotten this
 * way would be stored again if the harvester sent it once more, a month later: harmless.
 */
@Component
class IngestRetention {

    private static final Logger log = LoggerFactory.getLogger(IngestRetention.class);

    private final DSLContext db;
    private final Retention retention;

    IngestRetention(DSLContext db, Retention retention) {
        this.db = db;
        this.retention = retention;
    }

    @Scheduled(
            initialDelayString = "${pipelinelens.sensemaker.retention.interval:PT10M}",
            fixedDelayString = "${pipelinelens.sensemaker.retention.interval:PT10M}")
    void expire() {
        try {
            OffsetDateTime cutoff = retention.cutoff();
            int events = retention.deleteInBatches(db, RECEIVED_EVENTS, RECEIVED_EVENTS.RECEIVED_AT.lt(cutoff));
            int webhooks = retention.deleteInBatches(db, GIT_WEBHOOKS, GIT_WEBHOOKS.RECEIVED_AT.lt(cutoff));
            int snapshots =
                    retention.deleteInBatches(db, RESOURCE_SNAPSHOTS, RESOURCE_SNAPSHOTS.OBSERVED_AT.lt(cutoff));
            if (events + webhooks + snapshots > 0) {
                log.info(
                        "Retention: deleted {} event ids, {} webhooks, {} snapshots older than {}",
                        events,
                        webhooks,
                        snapshots,
                        cutoff);
            }
        } catch (RuntimeException e) {
            log.warn("Retention of ingested data failed, trying again next time: {}", e.toString());
        }
    }
}
