package io.pipelinelens.sensemaker.lineage.internal;

import static io.pipelinelens.sensemaker.db.Tables.TRACE_NODES;

import io.pipelinelens.sensemaker.Retention;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Deletes nodes handed over longer ago than the retention window (first seen before it). */
@Component
class LineageRetention {

    private static final Logger log = LoggerFactory.getLogger(LineageRetention.class);

    private final DSLContext db;
    private final Retention retention;

    LineageRetention(DSLContext db, Retention retention) {
        this.db = db;
        this.retention = retention;
    }

    @Scheduled(
            initialDelayString = "${pipelinelens.sensemaker.retention.interval:PT10M}",
            fixedDelayString = "${pipelinelens.sensemaker.retention.interval:PT10M}")
    void expire() {
        try {
            int nodes = retention.deleteInBatches(
                    db,
                    TRACE_NODES,
                    TRACE_NODES.RECORDED.isTrue().and(TRACE_NODES.FIRST_SEEN_AT.lt(retention.cutoff())));
            if (nodes > 0) {
                log.info("Retention: deleted {} lineage nodes", nodes);
            }
        } catch (RuntimeException e) {
            log.warn("Retention of lineage nodes failed, trying again next time: {}", e.toString());
        }
    }
}
