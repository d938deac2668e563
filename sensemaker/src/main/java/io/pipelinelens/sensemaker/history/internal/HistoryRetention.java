package io.pipelinelens.sensemaker.history.internal;

import static io.pipelinelens.sensemaker.db.Tables.RUN_HISTORY;

import io.pipelinelens.sensemaker.Retention;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes the history of runs that completed before the retention window (their tasks go with
 * them). A pipeline whose last runs aged out starts over: its next run is a first run.
 */
@Component
class HistoryRetention {

    private static final Logger log = LoggerFactory.getLogger(HistoryRetention.class);

    private final DSLContext db;
    private final Retention retention;

    HistoryRetention(DSLContext db, Retention retention) {
        this.db = db;
        this.retention = retention;
    }

    @Scheduled(
            initialDelayString = "${pipelinelens.sensemaker.retention.interval:PT10M}",
            fixedDelayString = "${pipelinelens.sensemaker.retention.interval:PT10M}")
    void expire() {
        try {
            OffsetDateTime cutoff = retention.cutoff();
            int runs = retention.deleteInBatches(db, RUN_HISTORY, RUN_HISTORY.COMPLETED_AT.lt(cutoff));
            if (runs > 0) {
                log.info("Retention: deleted the history of {} runs completed before {}", runs, cutoff);
            }
        } catch (RuntimeException e) {
            log.warn("Retention of the run history failed, trying again next time: {}", e.toString());
        }
    }
}
