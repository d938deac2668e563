package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.SPANS;

import io.pipelinelens.sensemaker.db.tables.records.SpansRecord;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Spans in PostgreSQL: recorded once, exported until a collector accepted them. */
@Repository
class SpanStore {

    private static final TypeReference<LinkedHashMap<String, Object>> ATTRIBUTES = new TypeReference<>() {};
    private static final TypeReference<List<SpanRecord.Event>> EVENTS = new TypeReference<>() {};
    private static final TypeReference<List<SpanRecord.Link>> LINKS = new TypeReference<>() {};

    private final DSLContext db;
    private final JsonMapper json;

    SpanStore(DSLContext db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /**
     * Records the spans in one statement; one recorded already (by another replica, or before a
     * restart) stays as it was.
     */
    void recordAll(Collection<SpanRecord> recorded) {
        if (recorded.isEmpty()) {
            return;
        }
        var s = SPANS;
        var insert = db.insertInto(
                s,
                s.SPAN_ID,
                s.TRACE_ID,
                s.PARENT_SPAN_ID,
                s.NAME,
                s.KIND,
                s.START_EPOCH_NANOS,
                s.END_EPOCH_NANOS,
                s.ATTRIBUTES,
                s.STATUS_CODE,
                s.STATUS_MESSAGE,
                s.EVENTS,
                s.LINKS);
        Set<String> seen = new HashSet<>();
        for (SpanRecord span : recorded) {
            if (!seen.add(span.spanId())) {
                continue;
            }
            insert = insert.values(
                    span.spanId(),
                    span.traceId(),
                    span.parentSpanId(),
                    span.name(),
                    span.kind().name(),
                    span.startEpochNanos(),
                    span.endEpochNanos(),
                    JSONB.valueOf(json.writeValueAsString(span.attributes())),
                    span.status().name(),
                    span.statusMessage(),
                    JSONB.valueOf(json.writeValueAsString(span.events())),
                    JSONB.valueOf(json.writeValueAsString(span.links())));
        }
        insert.onConflictDoNothing().execute();
    }

    /**
     * Locks up to {@code limit} spans awaiting export; other replicas skip them. Call inside the
     * transaction that marks them exported.
     */
    List<SpanRecord> lockAwaitingExport(int limit) {
        return db.selectFrom(SPANS)
                .where(SPANS.EXPORTED_AT.isNull())
                .and(SPANS.REFUSED_AT.isNull())
                .orderBy(SPANS.CREATED_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch(this::toSpan);
    }

    void markExported(Collection<String> spanIds) {
        db.update(SPANS)
                .set(SPANS.EXPORTED_AT, OffsetDateTime.now())
                .where(SPANS.SPAN_ID.in(spanIds))
                .execute();
    }

    /** Sets a span the collector refused for good aside, with the collector's reason. */
    void markRefused(String spanId, String reason) {
        db.update(SPANS)
                .set(SPANS.REFUSED_AT, OffsetDateTime.now())
                .set(SPANS.REFUSED_REASON, reason)
                .where(SPANS.SPAN_ID.eq(spanId))
                .execute();
    }

    /** A span the collector refused, newest first. */
    record Refused(String traceId, String spanId, String name, OffsetDateTime refusedAt, String reason) {}

    List<Refused> refused(int limit) {
        return db.select(SPANS.TRACE_ID, SPANS.SPAN_ID, SPANS.NAME, SPANS.REFUSED_AT, SPANS.REFUSED_REASON)
                .from(SPANS)
                .where(SPANS.REFUSED_AT.isNotNull())
                .orderBy(SPANS.REFUSED_AT.desc())
                .limit(limit)
                .fetch(r -> new Refused(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }

    private SpanRecord toSpan(SpansRecord r) {
        Map<String, Object> attributes = json.readValue(r.getAttributes().data(), ATTRIBUTES);
        return new SpanRecord(
                r.getTraceId(),
                r.getSpanId(),
                r.getParentSpanId(),
                r.getName(),
                SpanRecord.Kind.valueOf(r.getKind()),
                r.getStartEpochNanos(),
                r.getEndEpochNanos(),
                attributes,
                SpanRecord.Status.valueOf(r.getStatusCode()),
                r.getStatusMessage(),
                json.readValue(r.getEvents().data(), EVENTS),
                json.readValue(r.getLinks().data(), LINKS));
    }
}
