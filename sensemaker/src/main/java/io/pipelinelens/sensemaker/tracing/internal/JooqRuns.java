package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.PIPELINE_RUNS;
import static io.pipelinelens.sensemaker.db.Tables.SPANS;

import io.pipelinelens.sensemaker.tracing.RunSummary;
import io.pipelinelens.sensemaker.tracing.Runs;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

@Repository
class JooqRuns implements Runs {

    private final DSLContext db;

    JooqRuns(DSLContext db) {
        this.db = db;
    }

    @Override
    public List<RunSummary> recent(int limit) {
        return db.select(PIPELINE_RUNS.asterisk(), SPANS.EXPORTED_AT)
                .from(PIPELINE_RUNS)
                .leftJoin(SPANS)
                .on(SPANS.SPAN_ID.eq(PIPELINE_RUNS.SPAN_ID))
                .orderBy(PIPELINE_RUNS.COMPLETED_AT.desc().nullsLast(), PIPELINE_RUNS.RECORDED_AT.desc())
                .limit(Math.max(1, Math.min(limit, 500)))
                .fetch(r -> new RunSummary(
                        r.get(PIPELINE_RUNS.UID),
                        r.get(PIPELINE_RUNS.NAMESPACE),
                        r.get(PIPELINE_RUNS.NAME),
                        r.get(PIPELINE_RUNS.PIPELINE),
                        r.get(PIPELINE_RUNS.RESULT),
                        instant(r.get(PIPELINE_RUNS.STARTED_AT)),
                        instant(r.get(PIPELINE_RUNS.COMPLETED_AT)),
                        r.get(PIPELINE_RUNS.TRACE_ID),
                        r.get(PIPELINE_RUNS.REPOSITORY),
                        r.get(PIPELINE_RUNS.BRANCH),
                        r.get(PIPELINE_RUNS.REVISION),
                        r.get(SPANS.EXPORTED_AT) != null));
    }

    private static java.time.Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
