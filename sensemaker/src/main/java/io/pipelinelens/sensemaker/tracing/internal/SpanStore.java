package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.SPANS;

import io.pipelinelens.sensemaker.db.tables.records.SpansRecord;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** @return false when the span was already recorded (by another replica, or before a restart) */
    boolean record(SpanRecord span) {
        return db.insertInto(SPANS)
                        .set(SPANS.SPAN_ID, span.spanId())
                        .set(SPANS.TRACE_ID, span.traceId())
                        .set(SPANS.PARENT_SPAN_ID, span.parentSpanId())
                        .set(SPANS.NAME, span.name())
                        .set(SPANS.KIND, span.kind().name())
                        .set(SPANS.START_EPOCH_NANOS, span.startEpochNanos())
                        .set(SPANS.END_EPOCH_NANOS, span.endEpochNanos())
                        .set(SPANS.ATTRIBUTES, JSONB.valueOf(json.writeValueAsString(span.attributes())))
                        .set(SPANS.STATUS_CODE, span.status().name())
                        .set(SPANS.STATUS_MESSAGE, span.statusMessage())
                        .set(SPANS.EVENTS, JSONB.valueOf(json.writeValueAsString(span.events())))
                        .set(SPANS.LINKS, JSONB.valueOf(json.writeValueAsString(span.links())))
                        .onConflictDoNothing()
                        .execute()
                == 1;
    }

    /**
     * Locks up to {@code limit} spans awaiting export; other replicas skip them. Call inside the
     * transaction that marks them exported.
     */
    List<SpanRecord> lockAwaitingExport(int limit) {
        return db.selectFrom(SPANS)
                .where(SPANS.EXPORTED_AT.isNull())
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
