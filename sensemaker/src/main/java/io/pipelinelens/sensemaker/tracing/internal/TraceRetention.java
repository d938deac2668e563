package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.PIPELINE_RUNS;
import static io.pipelinelens.sensemaker.db.Tables.SPANS;

import io.pipelinelens.sensemaker.Retention;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes spans the collector has (or refused for good) and finished runs past the retention
 * window; a span still waiting for the collector is kept whatever its age.
 */
@Component
class TraceRetention {

    private static final Logger log = LoggerFactory.getLogger(TraceRetention.class);

    private final DSLContext db;
    private final Retention retention;

    TraceRetention(DSLContext db, Retention retention) {
        this.db = db;
        this.retention = retention;
    }

    @Scheduled(
            initialDelayString = "${pipelinelens.sensemaker.retention.interval:PT10M}",
            fixedDelayString = "${pipelinelens.sensemaker.retention.interval:PT10M}")
    void expire() {
        try {
            OffsetDateTime cutoff = retention.cutoff();
            int spans = retention.deleteInBatches(
                    db,
                    SPANS,
                    SPANS.CREATED_AT
                            .lt(cutoff)
                            .and(SPANS.EXPORTED_AT.isNotNull().or(SPANS.REFUSED_AT.isNotNull())));
            int runs = retention.deleteInBatches(db, PIPELINE_RUNS, PIPELINE_RUNS.COMPLETED_AT.lt(cutoff));
            if (spans + runs > 0) {
                log.info("Retention: deleted {} spans and {} finished runs older than {}", spans, runs, cutoff);
            }
        } catch (RuntimeException e) {
            log.warn("Retention of spans failed, trying again next time: {}", e.toString());
        }
    }
}
