package io.pipelinelens.sensemaker.history.internal;

import io.pipelinelens.sensemaker.db.tables.records.RunHistoryRecord;
import io.pipelinelens.sensemaker.history.HistoricRun;
import io.pipelinelens.sensemaker.history.PipelineBroke;
import io.pipelinelens.sensemaker.history.PipelineFlaky;
import io.pipelinelens.sensemaker.history.PipelineRecovered;
import io.pipelinelens.sensemaker.history.PipelineSlower;
import io.pipelinelens.sensemaker.history.PipelineSlower.Comparison;
import io.pipelinelens.sensemaker.tracing.PipelineRunFinished;
import io.pipelinelens.sensemaker.tracing.Traces;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Compares one finished run with the stored history of its key and stores it: the outcome state
 * machine, the baseline per pipeline and per task, flakiness. Returns the module events to publish.
 */
@Component
class RunComparison {

    /** Earlier runs of one commit read at most for flakiness. */
    private static final int COMMIT_RUNS = 50;

    private final HistoryStore store;
    private final Traces traces;
    private final HistoryProperties properties;

    RunComparison(HistoryStore store, Traces traces, HistoryProperties properties) {
        this.store = store;
        this.traces = traces;
        this.properties = properties;
    }

    /**
     * Takes the locks of every key the runs belong to, in one order (the lock's number): two
     * replicas that record runs of the same pipelines wait for each other instead of deadlocking.
     */
    void lockAll(java.util.Collection<PipelineRunFinished> runs) {
        runs.stream()
                .map(f -> HistoryKey.of(f.namespace(), f.pipeline(), f.repository(), f.branch()))
                .distinct()
                .sorted(java.util.Comparator.comparingInt(HistoryKey::lock))
                .forEach(store::lock);
    }

    List<Object> record(PipelineRunFinished finished) {
        HistoryKey key =
                HistoryKey.of(finished.namespace(), finished.pipeline(), finished.repository(), finished.branch());
        store.lock(key);
        if (store.known(finished.uid())) {
            return List.of(); // the same run finished twice: decided once
        }
        RunSpans spans = traces.byPipelineRun(finished.namespace(), finished.name())
                .filter(t -> t.traceId().equals(finished.traceId()))
                .map(t -> RunSpans.of(t, finished.spanId()))
                .orElse(RunSpans.NONE);
        Instant created =
                spans.created().filter(c -> !c.isAfter(finished.startedAt())).orElse(finished.startedAt());
        HistoricRun run = new HistoricRun(
                finished.uid(),
                finished.namespace(),
                finished.name(),
                finished.pipeline(),
                finished.repository(),
                finished.branch(),
                finished.revision(),
                finished.result(),
                created,
                finished.startedAt(),
                finished.completedAt(),
                finished.traceId(),
                spans.url().orElse(null),
                Outcome.failure(finished.result()) ? spans.failure() : Optional.empty());
        Timing timing = new Timing(
                Duration.between(created, finished.startedAt()),
                Duration.between(finished.startedAt(), finished.completedAt()));

        PastRun self = new PastRun(run.uid(), run.revision(), run.result(), run.completedAt(), Outcome.PASSING);
        OutcomeRules.Decision decision = OutcomeRules.decide(
                self,
                store.before(key, self, properties.lookBack()),
                store.newerCounted(key, self),
                store.revisionCountedBefore(key, self));
        List<Object> events = new ArrayList<>();
        switch (decision.outcome()) {
            case BROKEN -> events.add(new PipelineBroke(run, historic(decision.lastSuccess()), decision.commits()));
            case RECOVERED ->
                events.add(new PipelineRecovered(
                        run, historic(decision.failingSince()), decision.failedRuns(), decision.commits()));
            default -> {}
        }
        flaky(key, run, spans).ifPresent(events::add);
        slower(key, run, timing, spans).ifPresent(events::add);
        store.insert(run, key, timing, decision.outcome(), spans.tasks().values());
        return events;
    }

    private Optional<PipelineFlaky> flaky(HistoryKey key, HistoricRun run, RunSpans spans) {
        if (run.revision() == null) {
            return Optional.empty();
        }
        List<RunHistoryRecord> earlier = store.earlierOfCommit(key, run.revision(), run.completedAt(), COMMIT_RUNS);
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Set<String>> failedTasks = store.failedTasks(
                key,
                run.revision(),
                earlier.stream().map(RunHistoryRecord::getRunUid).toList());
        Map<String, String> taskResults = new LinkedHashMap<>();
        spans.tasks().values().forEach(t -> taskResults.put(t.name(), t.result()));
        Flakiness.Verdict verdict = Flakiness.judge(
                run.result(),
                taskResults,
                earlier.stream()
                        .map(e -> new Flakiness.Earlier(
                                e.getRunUid(), e.getResult(), failedTasks.getOrDefault(e.getRunUid(), Set.of())))
                        .toList());
        if (!verdict.flaky()) {
            return Optional.empty();
        }
        List<HistoricRun> failedBefore = earlier.stream()
                .filter(e -> verdict.failedBefore().contains(e.getRunUid()))
                .map(HistoryStore::historic)
                .toList();
        return Optional.of(new PipelineFlaky(run, failedBefore, verdict.tasks()));
    }

    /** Only successful runs are compared: a failed run's time says how it failed, not how it ran. */
    private Optional<PipelineSlower> slower(HistoryKey key, HistoricRun run, Timing timing, RunSpans spans) {
        if (!Outcome.success(run.result())) {
            return Optional.empty();
        }
        Optional<Baseline> baseline = Baseline.of(
                store.successes(key, run.completedAt(), properties.baselineRuns()), properties.baselineMinRuns());
        if (baseline.isEmpty()) {
            return Optional.empty();
        }
        Duration minimum = properties.slowerMinimum();
        boolean runSlower = baseline.get().slower(timing.total(), minimum);
        List<Comparison> tasks = new ArrayList<>();
        for (RunSpans.Task task : spans.tasks().values()) {
            if (!Outcome.success(task.result())) {
                continue;
            }
            Baseline.of(
                            store.taskSuccesses(key, task.name(), run.completedAt(), properties.baselineRuns()),
                            properties.baselineMinRuns())
                    .filter(b -> b.slower(task.timing().total(), minimum))
                    .ifPresent(b -> tasks.add(b.compare(task.name(), task.timing())));
        }
        if (!runSlower && tasks.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PipelineSlower(
                run, baseline.get().compare(run.pipeline(), timing), runSlower, List.copyOf(tasks), minimum));
    }

    private Optional<HistoricRun> historic(Optional<PastRun> past) {
        return past.flatMap(p -> store.run(p.uid())).map(HistoryStore::historic);
    }
}
