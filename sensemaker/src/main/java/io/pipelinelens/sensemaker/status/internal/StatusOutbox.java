package io.pipelinelens.sensemaker.status.internal;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.springframework.stereotype.Repository;

/**
 * The {@code status_outbox} table (migration V20). Plain jOOQ names rather than generated classes:
 * the table belongs to this module alone, and the code generation leaves it out.
 */
@Repository
class StatusOutbox {

    /** Class id of the advisory locks that order the writers of one key ("STAT"). */
    static final int LOCK_CLASS = 0x53544154;

    private static final Table<Record> OUTBOX = DSL.table(DSL.name("status_outbox"));
    private static final Field<Long> SEQ = DSL.field(DSL.name("seq"), SQLDataType.BIGINT);
    private static final Field<String> KEY = DSL.field(DSL.name("event_key"), SQLDataType.CLOB);
    private static final Field<String> ID = DSL.field(DSL.name("event_id"), SQLDataType.CLOB);
    private static final Field<String> TYPE = DSL.field(DSL.name("event_type"), SQLDataType.CLOB);
    private static final Field<java.time.OffsetDateTime> TIME =
            DSL.field(DSL.name("event_time"), SQLDataType.TIMESTAMPWITHTIMEZONE);
    private static final Field<byte[]> PAYLOAD = DSL.field(DSL.name("payload"), SQLDataType.BLOB);
    private static final Field<Integer> ATTEMPTS = DSL.field(DSL.name("attempts"), SQLDataType.INTEGER);

    private final DSLContext db;

    StatusOutbox(DSLContext db) {
        this.db = db;
    }

    /**
     * Writes the events in the caller's transaction, after locking their keys (in
     * {@link WriteOrder#locks} order) until it ends: a key's events then get their seq in commit
     * order, so a publisher never sees a later event of a key before an earlier one commits. An
     * event whose id is already there is left out.
     */
    void append(List<StatusEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        for (int lock : WriteOrder.locks(events)) {
            db.resultQuery("select pg_advisory_xact_lock({0}, {1})", DSL.val(LOCK_CLASS), DSL.val(lock))
                    .fetch();
        }
        var insert = db.insertInto(OUTBOX, KEY, ID, TYPE, TIME, PAYLOAD);
        for (StatusEvent e : WriteOrder.events(events)) {
            insert = insert.values(e.key(), e.id(), e.type(), e.time().atOffset(ZoneOffset.UTC), e.payload());
        }
        insert.onConflict(ID).doNothing().execute();
    }

    /**
     * Locks the first unpublished event of up to {@code keys} keys whose retry time has come,
     * skipping heads another replica holds: holding a key's head is owning the key until the
     * transaction ends. Heads come in the order of their next attempt (for an event never tried,
     * when it was written), so a key that just failed goes behind the others: while Kafka is away and
     * a round gets to try one key only, every key still gets its turn. Returns those keys' first
     * {@code perKey} unpublished events in seq order.
     */
    List<OutboxEvent> lockNext(int keys, int perKey) {
        List<String> owned = db.resultQuery("""
                        select o.event_key from status_outbox o
                        where o.published_at is null and o.next_attempt_at <= now()
                          and not exists (select 1 from status_outbox e
                                          where e.event_key = o.event_key and e.published_at is null
                                            and e.seq < o.seq)
                        order by o.next_attempt_at, o.seq
                        limit {0}
                        for update of o skip locked""", DSL.val(keys)).fetch(0, String.class);
        if (owned.isEmpty()) {
            return List.of();
        }
        return db.resultQuery("""
                        select seq, event_key, event_id, payload, attempts from (
                          select seq, event_key, event_id, payload, attempts,
                                 row_number() over (partition by event_key order by seq) as n
                          from status_outbox
                          where published_at is null and event_key = any({0}::text[])) waiting
                        where n <= {1}
                        order by seq""", DSL.val(owned.toArray(String[]::new)), DSL.val(perKey))
                .fetch(r -> new OutboxEvent(r.get(SEQ), r.get(KEY), r.get(ID), r.get(PAYLOAD), r.get(ATTEMPTS)));
    }

    void markPublished(List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        db.update(OUTBOX)
                .set(
                        DSL.field(DSL.name("published_at"), SQLDataType.TIMESTAMPWITHTIMEZONE),
                        DSL.currentOffsetDateTime())
                .where(SEQ.in(events.stream().map(OutboxEvent::seq).toList()))
                .execute();
    }

    /** The event stays first of its key and is not tried again before {@code retryIn} passed. */
    void markFailed(OutboxEvent event, Duration retryIn, String reason) {
        db.query("""
                        update status_outbox
                        set attempts = attempts + 1,
                            next_attempt_at = now() + {0} * interval '1 millisecond',
                            last_error = {1}
                        where seq = {2}""", DSL.val(retryIn.toMillis()), DSL.val(reason), DSL.val(event.seq()))
                .execute();
    }

    Backlog backlog() {
        Record r = db.resultQuery("""
                        select count(*) as size,
                               coalesce(extract(epoch from clock_timestamp() - min(created_at)) * 1000, 0)
                                 as oldest_millis,
                               count(distinct event_key) filter (where attempts > 0) as failing,
                               (select last_error from status_outbox
                                where published_at is null and attempts > 0
                                order by seq limit 1) as last_error
                        from status_outbox where published_at is null""").fetchOne();
        if (r == null) {
            return Backlog.EMPTY;
        }
        return new Backlog(
                r.get("size", Long.class),
                Duration.ofMillis(
                        Math.max(0, r.get("oldest_millis", Double.class).longValue())),
                r.get("failing", Long.class),
                r.get("last_error", String.class));
    }

    /** Forgets published events older than the retention. */
    int purge(Duration retention) {
        return db.query(
                        "delete from status_outbox where published_at < now() - {0} * interval '1 millisecond'",
                        DSL.val(retention.toMillis()))
                .execute();
    }
}
