package io.pipelinelens.sensemaker.history.internal;

import static io.pipelinelens.sensemaker.db.Tables.RUN_HISTORY;
import static io.pipelinelens.sensemaker.db.Tables.RUN_HISTORY_TASKS;

import io.pipelinelens.sensemaker.db.tables.records.RunHistoryRecord;
import io.pipelinelens.sensemaker.history.HistoricRun;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * The tables {@code run_history} and {@code run_history_tasks} (migration V22): the runs of each
 * key in completion order, and the questions the rules ask of them. Every query is served by an
 * index of the migration.
 */
@Repository
class HistoryStore {

    /** Class id of the advisory locks that serialize the writers of one key ("HIST"). */
    static final int LOCK_CLASS = 0x48495354;

    private static final List<String> FAILURES = List.of("failure", "error", "timeout");
    /** Inlined: the partial indexes' predicates name these values, which a bound value cannot match. */
    private static final org.jooq.Field<String> SUCCESS = DSL.inline("success");

    private static final List<String> COUNTED = List.of("success", "failure", "error", "timeout");

    private final DSLContext db;

    HistoryStore(DSLContext db) {
        this.db = db;
    }

    /** Until the transaction ends, no other writer decides about this key. */
    void lock(HistoryKey key) {
        db.resultQuery("select pg_advisory_xact_lock({0}, {1})", DSL.val(LOCK_CLASS), DSL.val(key.lock()))
                .fetch();
    }

    boolean known(String runUid) {
        return db.fetchExists(RUN_HISTORY, RUN_HISTORY.RUN_UID.eq(runUid));
    }

    /** The key's runs that completed before the run, newest first, at most {@code limit}. */
    List<PastRun> before(HistoryKey key, PastRun run, int limit) {
        return db.selectFrom(RUN_HISTORY)
                .where(of(key))
                .and(DSL.row(RUN_HISTORY.COMPLETED_AT, RUN_HISTORY.RUN_UID).lt(time(run.completedAt()), run.uid()))
                .orderBy(RUN_HISTORY.COMPLETED_AT.desc(), RUN_HISTORY.RUN_UID.desc())
                .limit(limit)
                .fetch(HistoryStore::past);
    }

    /** Whether a counted run of the key that completed after the run is stored. */
    boolean newerCounted(HistoryKey key, PastRun run) {
        return db.fetchExists(
                RUN_HISTORY,
                of(key).and(DSL.row(RUN_HISTORY.COMPLETED_AT, RUN_HISTORY.RUN_UID)
                                .gt(time(run.completedAt()), run.uid()))
                        .and(counted()));
    }

    /** Whether a counted run of the key that completed before the run built its revision. */
    boolean revisionCountedBefore(HistoryKey key, PastRun run) {
        if (run.revision() == null) {
            return false;
        }
        return db.fetchExists(
                RUN_HISTORY,
                RUN_HISTORY
                        .NAMESPACE
                        .eq(key.namespace())
                        .and(RUN_HISTORY.PIPELINE.eq(key.pipeline()))
                        .and(RUN_HISTORY.REVISION.eq(run.revision()))
                        .and(RUN_HISTORY.REPOSITORY.eq(key.repository()))
                        .and(RUN_HISTORY.BRANCH.eq(key.branch()))
                        .and(RUN_HISTORY.COMPLETED_AT.lt(time(run.completedAt())))
                        .and(counted()));
    }

    /** The timings of the key's last successful runs before {@code completedAt}. */
    List<Timing> successes(HistoryKey key, Instant completedAt, int limit) {
        return db.select(RUN_HISTORY.WAITING_MS, RUN_HISTORY.RUNNING_MS)
                .from(RUN_HISTORY)
                .where(of(key))
                .and(RUN_HISTORY.RESULT.eq(SUCCESS))
                .and(RUN_HISTORY.COMPLETED_AT.lt(time(completedAt)))
                .orderBy(RUN_HISTORY.COMPLETED_AT.desc())
                .limit(limit)
                .fetch(r -> timing(r.value1(), r.value2()));
    }

    /** The timings of a task's last successful runs of the key before {@code completedAt}. */
    List<Timing> taskSuccesses(HistoryKey key, String task, Instant completedAt, int limit) {
        return db.select(RUN_HISTORY_TASKS.WAITING_MS, RUN_HISTORY_TASKS.RUNNING_MS)
                .from(RUN_HISTORY_TASKS)
                .where(RUN_HISTORY_TASKS.NAMESPACE.eq(key.namespace()))
                .and(RUN_HISTORY_TASKS.PIPELINE.eq(key.pipeline()))
                .and(RUN_HISTORY_TASKS.REPOSITORY.eq(key.repository()))
                .and(RUN_HISTORY_TASKS.BRANCH.eq(key.branch()))
                .and(RUN_HISTORY_TASKS.TASK.eq(task))
                .and(RUN_HISTORY_TASKS.RESULT.eq(SUCCESS))
                .and(RUN_HISTORY_TASKS.COMPLETED_AT.lt(time(completedAt)))
                .orderBy(RUN_HISTORY_TASKS.COMPLETED_AT.desc())
                .limit(limit)
                .fetch(r -> timing(r.value1(), r.value2()));
    }

    /** The runs of the same pipeline, repository and commit that completed before the run, oldest first. */
    List<RunHistoryRecord> earlierOfCommit(HistoryKey key, String revision, Instant completedAt, int limit) {
        return db.selectFrom(RUN_HISTORY)
                .where(RUN_HISTORY.NAMESPACE.eq(key.namespace()))
                .and(RUN_HISTORY.PIPELINE.eq(key.pipeline()))
                .and(RUN_HISTORY.REVISION.eq(revision))
                .and(RUN_HISTORY.REPOSITORY.eq(key.repository()))
                .and(RUN_HISTORY.COMPLETED_AT.lt(time(completedAt)))
                .orderBy(RUN_HISTORY.COMPLETED_AT.desc())
                .limit(limit)
                .fetch()
                .reversed();
    }

    /** The tasks that failed in the given runs of a commit, by run uid. */
    Map<String, Set<String>> failedTasks(HistoryKey key, String revision, Collection<String> runUids) {
        if (runUids.isEmpty()) {
            return Map.of();
        }
        return db
                .select(RUN_HISTORY_TASKS.RUN_UID, RUN_HISTORY_TASKS.TASK)
                .from(RUN_HISTORY_TASKS)
                .where(RUN_HISTORY_TASKS.NAMESPACE.eq(key.namespace()))
                .and(RUN_HISTORY_TASKS.PIPELINE.eq(key.pipeline()))
                .and(RUN_HISTORY_TASKS.REVISION.eq(revision))
                .and(RUN_HISTORY_TASKS.RESULT.in(
                        FAILURES.stream().map(DSL::inline).toList()))
                .and(RUN_HISTORY_TASKS.RUN_UID.in(runUids))
                .fetchGroups(RUN_HISTORY_TASKS.RUN_UID, RUN_HISTORY_TASKS.TASK)
                .entrySet()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new HashSet<>(e.getValue())));
    }

    Optional<RunHistoryRecord> run(String uid) {
        return db.selectFrom(RUN_HISTORY).where(RUN_HISTORY.RUN_UID.eq(uid)).fetchOptional();
    }

    /** Stores the run with its decided outcome and its tasks; false when it was stored already. */
    boolean insert(HistoricRun run, HistoryKey key, Timing timing, Outcome outcome, Collection<RunSpans.Task> tasks) {
        int inserted = db.insertInto(RUN_HISTORY)
                .set(RUN_HISTORY.RUN_UID, run.uid())
                .set(RUN_HISTORY.NAMESPACE, key.namespace())
                .set(RUN_HISTORY.PIPELINE, key.pipeline())
                .set(RUN_HISTORY.REPOSITORY, key.repository())
                .set(RUN_HISTORY.BRANCH, key.branch())
                .set(RUN_HISTORY.RUN_NAME, run.name())
                .set(RUN_HISTORY.REVISION, run.revision())
                .set(RUN_HISTORY.RESULT, run.result())
                .set(RUN_HISTORY.CREATED_AT, time(run.createdAt()))
                .set(RUN_HISTORY.STARTED_AT, time(run.startedAt()))
                .set(RUN_HISTORY.COMPLETED_AT, time(run.completedAt()))
                .set(RUN_HISTORY.WAITING_MS, timing.waiting().toMillis())
                .set(RUN_HISTORY.RUNNING_MS, timing.running().toMillis())
                .set(RUN_HISTORY.TRACE_ID, run.traceId())
                .set(RUN_HISTORY.OUTCOME, outcome.stored())
                .onConflictDoNothing()
                .execute();
        if (inserted == 0) {
            return false;
        }
        if (!tasks.isEmpty()) {
            var insert = db.insertInto(
                    RUN_HISTORY_TASKS,
                    RUN_HISTORY_TASKS.RUN_UID,
                    RUN_HISTORY_TASKS.TASK,
                    RUN_HISTORY_TASKS.NAMESPACE,
                    RUN_HISTORY_TASKS.PIPELINE,
                    RUN_HISTORY_TASKS.REPOSITORY,
                    RUN_HISTORY_TASKS.BRANCH,
                    RUN_HISTORY_TASKS.REVISION,
                    RUN_HISTORY_TASKS.RESULT,
                    RUN_HISTORY_TASKS.COMPLETED_AT,
                    RUN_HISTORY_TASKS.WAITING_MS,
                    RUN_HISTORY_TASKS.RUNNING_MS);
            for (RunSpans.Task task : tasks) {
                insert = insert.values(
                        run.uid(),
                        task.name(),
                        key.namespace(),
                        key.pipeline(),
                        key.repository(),
                        key.branch(),
                        run.revision(),
                        task.result(),
                        time(task.completedAt()),
                        task.timing().waiting().toMillis(),
                        task.timing().running().toMillis());
            }
            insert.onConflictDoNothing().execute();
        }
        return true;
    }

    static HistoricRun historic(RunHistoryRecord r) {
        return new HistoricRun(
                r.getRunUid(),
                r.getNamespace(),
                r.getRunName(),
                r.getPipeline(),
                blankToNull(r.getRepository()),
                blankToNull(r.getBranch()),
                r.getRevision(),
                r.getResult(),
                r.getCreatedAt().toInstant(),
                r.getStartedAt().toInstant(),
                r.getCompletedAt().toInstant(),
                r.getTraceId(),
                null,
                Optional.empty());
    }

    private static PastRun past(RunHistoryRecord r) {
        return new PastRun(
                r.getRunUid(),
                r.getRevision(),
                r.getResult(),
                r.getCompletedAt().toInstant(),
                Outcome.ofStored(r.getOutcome()));
    }

    private static Condition of(HistoryKey key) {
        return RUN_HISTORY
                .NAMESPACE
                .eq(key.namespace())
                .and(RUN_HISTORY.PIPELINE.eq(key.pipeline()))
                .and(RUN_HISTORY.REPOSITORY.eq(key.repository()))
                .and(RUN_HISTORY.BRANCH.eq(key.branch()));
    }

    private static Condition counted() {
        return RUN_HISTORY.RESULT.in(COUNTED).and(RUN_HISTORY.OUTCOME.ne(Outcome.OLD_COMMIT.stored()));
    }

    private static Timing timing(Long waitingMs, Long runningMs) {
        return new Timing(Duration.ofMillis(waitingMs), Duration.ofMillis(runningMs));
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
