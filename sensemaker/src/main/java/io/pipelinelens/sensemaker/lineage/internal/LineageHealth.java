package io.pipelinelens.sensemaker.lineage.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * DOWN when the lineage graph stops moving: housekeeping has not completed a tick for a minute, or
 * an observed batch has waited longer than that to be placed (its event publication is still
 * incomplete), which is what a starved or stuck executor looks like from outside.
 */
@Component("lineage")
class LineageHealth implements HealthIndicator {

    private static final Duration STUCK = Duration.ofMinutes(1);

    private final LineageHousekeeping housekeeping;
    private final DSLContext db;

    LineageHealth(LineageHousekeeping housekeeping, DSLContext db) {
        this.housekeeping = housekeeping;
        this.db = db;
    }

    @Override
    public Health health() {
        Duration sinceTick = Duration.between(housekeeping.lastCompleteTick(), Instant.now());
        OffsetDateTime oldest = db.select(DSL.min(DSL.field("publication_date", OffsetDateTime.class)))
                .from(DSL.table("event_publication"))
                .where(DSL.field("completion_date").isNull())
                .and(DSL.field("listener_id").like("%lineage%"))
                .fetchOne(0, OffsetDateTime.class);
        Duration waiting = oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), Instant.now());
        Health.Builder health =
                sinceTick.compareTo(STUCK) > 0 || waiting.compareTo(STUCK) > 0 ? Health.down() : Health.up();
        return health.withDetail(
                        "lastCompleteTick", housekeeping.lastCompleteTick().toString())
                .withDetail("oldestUnplacedBatchWaitingMs", waiting.toMillis())
                .build();
    }
}
