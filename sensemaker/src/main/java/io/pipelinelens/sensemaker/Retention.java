package io.pipelinelens.sensemaker;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long the sensemaker keeps what it stored, shared by the modules that each delete their own
 * data: raw events and snapshots (ingest), nodes (lineage), spans and finished runs (tracing).
 *
 * @param maxAge what is older than this goes: by when it was received, observed, first seen or
 *     recorded
 * @param interval how often each module looks for what expired
 * @param batch rows one statement deletes at most; a run deletes batches until none is full or
 *     {@code budget} is spent, so that retention never holds a table for long
 * @param budget longest one module spends deleting per run
 */
@Validated
@ConfigurationProperties("pipelinelens.sensemaker.retention")
public record Retention(
        @NotNull @DefaultValue("30d") Duration maxAge,
        @NotNull @DefaultValue("10m") Duration interval,
        @Min(1) @DefaultValue("1000") int batch,
        @NotNull @DefaultValue("5s") Duration budget) {

    public OffsetDateTime cutoff() {
        return OffsetDateTime.now().minus(maxAge);
    }

    /**
     * Deletes the rows of a table that match, {@link #batch} at a time, each batch in its own
     * statement (and, outside a transaction, its own commit).
     *
     * @return how many rows went
     */
    public int deleteInBatches(DSLContext db, Table<?> table, Condition expired) {
        long deadline = System.nanoTime() + budget.toNanos();
        int total = 0;
        while (true) {
            int deleted = db.execute(
                    "delete from {0} where ctid = any(array(select ctid from {0} where {1} limit {2}))",
                    table, expired, DSL.inline(batch));
            total += deleted;
            if (deleted < batch || System.nanoTime() > deadline) {
                return total;
            }
        }
    }
}
