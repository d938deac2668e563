package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.PIPELINE_RUNS;
import static io.pipelinelens.sensemaker.db.Tables.SPANS;
import static io.pipelinelens.sensemaker.db.Tables.TRACE_NODES;

import io.pipelinelens.sensemaker.db.tables.records.SpansRecord;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import io.pipelinelens.sensemaker.tracing.TraceView;
import io.pipelinelens.sensemaker.tracing.TraceView.SpanView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Looks traces up in the trace graph and the recorded spans. */
@Repository
class JooqTraces implements io.pipelinelens.sensemaker.tracing.Traces {

    private static final TypeReference<LinkedHashMap<String, Object>> ATTRIBUTES = new TypeReference<>() {};

    private final DSLContext db;
    private final JsonMapper json;
    private final SpanStore spans;

    JooqTraces(DSLContext db, JsonMapper json, SpanStore spans) {
        this.db = db;
        this.json = json;
        this.spans = spans;
    }

    @Override
    public java.util.List<io.pipelinelens.sensemaker.tracing.RefusedSpan> refused(int limit) {
        return spans.refused(limit).stream()
                .map(r -> new io.pipelinelens.sensemaker.tracing.RefusedSpan(
                        r.traceId(), r.spanId(), r.name(), r.refusedAt().toInstant(), r.reason()))
                .toList();
    }

    @Override
    public Optional<TraceView> byGitEvent(String guid) {
        String rootKey = TraceIds.gitEventRoot(guid);
        String traceId = TraceIds.traceId(rootKey);
        // The root node exists as soon as the webhook arrived, before any span is recorded.
        boolean known = db.fetchExists(TRACE_NODES, TRACE_NODES.UID.eq(rootKey))
                || db.fetchExists(SPANS, SPANS.TRACE_ID.eq(traceId));
        return known ? Optional.of(trace(traceId)) : Optional.empty();
    }

    @Override
    public Optional<TraceView> byPipelineRun(String namespace, String name) {
        // A name can be reused after a deletion: the newest run wins. The node knows the trace
        // while the run is still going; pipeline_runs keeps it for runs recorded before nodes.
        return db.select(TRACE_NODES.TRACE_ID)
                .from(TRACE_NODES)
                .where(TRACE_NODES.KIND.eq("PipelineRun"))
                .and(TRACE_NODES.NAMESPACE.eq(namespace))
                .and(TRACE_NODES.NAME.eq(name))
                .and(TRACE_NODES.TRACE_ID.isNotNull())
                .orderBy(TRACE_NODES.FIRST_SEEN_AT.desc())
                .limit(1)
                .fetchOptional(TRACE_NODES.TRACE_ID)
                .or(() -> db.select(PIPELINE_RUNS.TRACE_ID)
                        .from(PIPELINE_RUNS)
                        .where(PIPELINE_RUNS.NAMESPACE.eq(namespace))
                        .and(PIPELINE_RUNS.NAME.eq(name))
                        .orderBy(PIPELINE_RUNS.RECORDED_AT.desc())
                        .limit(1)
                        .fetchOptional(PIPELINE_RUNS.TRACE_ID))
                .map(this::trace);
    }

    @Override
    public Optional<TraceView> byPullRequest(String repository, String number) {
        String slug = slug(repository);
        if (slug.isEmpty() || number == null || number.isBlank()) {
            return Optional.empty();
        }
        // The git event, Lighthouse job and PipelineRun spans carry the change id and the
        // repository (by name on the git event, by clone URL on all three).
        Field<String> changeId = attribute("vcs.change.id");
        Field<String> name = DSL.lower(attribute("vcs.repository.name"));
        Field<String> url = DSL.lower(DSL.regexpReplaceAll(attribute("vcs.repository.url.full"), "(\\.git)?/*$", ""));
        String lowerSlug = slug.toLowerCase(Locale.ROOT);
        return db.select(SPANS.TRACE_ID)
                .from(SPANS)
                .where(changeId.eq(number.strip()))
                .and(name.eq(lowerSlug)
                        .or(DSL.right(url, lowerSlug.length() + 1).eq("/" + lowerSlug)))
                .groupBy(SPANS.TRACE_ID)
                .orderBy(DSL.max(SPANS.END_EPOCH_NANOS).desc(), SPANS.TRACE_ID)
                .limit(1)
                .fetchOptional(SPANS.TRACE_ID)
                .map(this::trace);
    }

    private TraceView trace(String traceId) {
        return new TraceView(
                traceId, db.selectFrom(SPANS).where(SPANS.TRACE_ID.eq(traceId)).fetch(this::span));
    }

    private SpanView span(SpansRecord r) {
        return new SpanView(
                r.getSpanId(),
                r.getParentSpanId(),
                r.getName(),
                instant(r.getStartEpochNanos()),
                instant(r.getEndEpochNanos()),
                r.getStatusCode(),
                r.getStatusMessage(),
                json.readValue(r.getAttributes().data(), ATTRIBUTES));
    }

    private static Field<String> attribute(String key) {
        return DSL.field("{0} ->> {1}", String.class, SPANS.ATTRIBUTES, DSL.inline(key));
    }

    /** {@code owner/name} from {@code owner/name} or any clone or web URL of the repository. */
    static String slug(String repository) {
        if (repository == null) {
            return "";
        }
        String s = repository.strip();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            int path = s.indexOf('/', scheme + 3);
            s = path < 0 ? "" : s.substring(path + 1);
        } else if (s.matches("^[^/]+@[^:]+:.*")) {
            s = s.substring(s.indexOf(':') + 1); // git@host:owner/name.git
        }
        s = s.replaceAll("/+$", "").replaceAll("\\.git$", "").replaceAll("^/+", "");
        return s;
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }
}
