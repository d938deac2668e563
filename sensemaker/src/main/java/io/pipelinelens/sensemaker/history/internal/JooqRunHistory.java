package io.pipelinelens.sensemaker.history.internal;

import static io.pipelinelens.sensemaker.db.Tables.RUN_HISTORY;

import io.pipelinelens.sensemaker.history.PipelineStatistics;
import io.pipelinelens.sensemaker.history.PipelineStatistics.Day;
import io.pipelinelens.sensemaker.history.PipelineStatistics.Figures;
import io.pipelinelens.sensemaker.history.RunHistory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Answers {@link RunHistory} from {@code run_history}. */
@Repository
class JooqRunHistory implements RunHistory {

    private static final Figures NONE = new Figures(0, 0, 0, null, null, null, null, null);

    private final DSLContext db;

    JooqRunHistory(DSLContext db) {
        this.db = db;
    }

    @Override
    public PipelineStatistics statistics(String namespace, String pipeline, Instant from, Instant to) {
        // One pass over the pipeline's runs in the window (index run_history_by_pipeline): a row per
        // day, and the row of the whole window (day null).
        List<Record> rows = db.resultQuery(
                        """
                        select (completed_at at time zone 'UTC')::date as day,
                               count(*) as runs,
                               count(*) filter (where result = 'success') as succeeded,
                               count(*) filter (where result in ('failure', 'error', 'timeout')) as failed,
                               percentile_cont(0.5) within group (order by waiting_ms + running_ms) as d50,
                               percentile_cont(0.95) within group (order by waiting_ms + running_ms) as d95,
                               percentile_cont(0.5) within group (order by waiting_ms) as q50,
                               percentile_cont(0.95) within group (order by waiting_ms) as q95
                        from run_history
                        where namespace = {0} and pipeline = {1} and completed_at >= {2} and completed_at < {3}
                        group by grouping sets (((completed_at at time zone 'UTC')::date), ())
                        order by day nulls first""",
                        DSL.val(namespace),
                        DSL.val(pipeline),
                        DSL.val(from.atOffset(ZoneOffset.UTC)),
                        DSL.val(to.atOffset(ZoneOffset.UTC)))
                .fetch();
        Figures total = NONE;
        List<Day> days = new ArrayList<>();
        for (Record r : rows) {
            LocalDate day = r.get("day", LocalDate.class);
            Figures figures = figures(r);
            if (day == null) {
                total = figures;
            } else {
                days.add(new Day(day, figures));
            }
        }
        return new PipelineStatistics(namespace, pipeline, from, to, total, List.copyOf(days));
    }

    @Override
    public Optional<String> outcome(String namespace, String pipeline, String repository, String branch) {
        HistoryKey key = HistoryKey.of(namespace, pipeline, repository, branch);
        return db.select(RUN_HISTORY.OUTCOME)
                .from(RUN_HISTORY)
                .where(RUN_HISTORY.NAMESPACE.eq(key.namespace()))
                .and(RUN_HISTORY.PIPELINE.eq(key.pipeline()))
                .and(RUN_HISTORY.REPOSITORY.eq(key.repository()))
                .and(RUN_HISTORY.BRANCH.eq(key.branch()))
                .and(RUN_HISTORY.OUTCOME.in(
                        Outcome.PASSING.stored(),
                        Outcome.BROKEN.stored(),
                        Outcome.STILL_FAILING.stored(),
                        Outcome.RECOVERED.stored(),
                        Outcome.FAILING.stored()))
                .orderBy(RUN_HISTORY.COMPLETED_AT.desc(), RUN_HISTORY.RUN_UID.desc())
                .limit(1)
                .fetchOptional(RUN_HISTORY.OUTCOME);
    }

    private static Figures figures(Record r) {
        long succeeded = r.get("succeeded", Long.class);
        long failed = r.get("failed", Long.class);
        return new Figures(
                r.get("runs", Long.class),
                succeeded,
                failed,
                succeeded + failed == 0 ? null : (double) succeeded / (succeeded + failed),
                millis(r.get("d50", Double.class)),
                millis(r.get("d95", Double.class)),
                millis(r.get("q50", Double.class)),
                millis(r.get("q95", Double.class)));
    }

    private static Duration millis(Double value) {
        return value == null ? null : Duration.ofMillis(Math.round(value));
    }
}
