package io.pipelinelens.sensemaker.history.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.sensemaker.tracing.PipelineRunFinished;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records every finished run in the history, in the transaction that records the run, and publishes
 * what it decided ({@code PipelineBroke}, {@code PipelineRecovered}, {@code PipelineFlaky},
 * {@code PipelineSlower}) there too.
 *
 * <p>The runs of a transaction are collected and handled just before it commits, in completion
 * order: by then the tracing module has stored the runs' spans, which tell the creation time, the
 * tasks and where a run failed. This synchronization runs before the status module's, which writes
 * the events published here to the status outbox with the rest of the transaction's events.
 *
 * <p>A run is handled within a savepoint: a failure that is about the run (a bug, a value the
 * database refuses) is logged and counted, the run is left out of the history, and the
 * transaction commits, so that nothing tries it again and again. A failure that may pass (a
 * deadlock, a lost connection) fails the transaction, which the tracing module tries again.
 */
@Component
class RunHistoryRecorder {

    private static final Logger log = LoggerFactory.getLogger(RunHistoryRecorder.class);

    private final RunComparison comparison;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate savepoint;
    private final TransactionTemplate own;
    private final Counter failures;

    RunHistoryRecorder(
            RunComparison comparison,
            ApplicationEventPublisher events,
            PlatformTransactionManager transactions,
            MeterRegistry meters) {
        this.comparison = comparison;
        this.events = events;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.own = new TransactionTemplate(transactions);
        this.failures = meters.counter("pipelinelens.history.failures");
    }

    @EventListener
    void on(PipelineRunFinished run) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            own.executeWithoutResult(status -> handle(List.of(run)));
            return;
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new Pending();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        pending.runs.add(run);
    }

    private void handle(List<PipelineRunFinished> runs) {
        List<PipelineRunFinished> inOrder = runs.stream()
                .sorted(Comparator.comparing(PipelineRunFinished::completedAt).thenComparing(PipelineRunFinished::uid))
                .toList();
        comparison.lockAll(inOrder);
        for (PipelineRunFinished run : inOrder) {
            List<Object> decided;
            try {
                decided = savepoint.execute(status -> comparison.record(run));
            } catch (TransientDataAccessException
                    | RecoverableDataAccessException
                    | DataAccessResourceFailureException e) {
                throw e;
            } catch (RuntimeException e) {
                failures.increment();
                log.error(
                        "Cannot add PipelineRun {}/{} ({}) to the run history, left out: {}",
                        run.namespace(),
                        run.name(),
                        run.uid(),
                        e.toString());
                continue;
            }
            decided.forEach(events::publishEvent);
        }
    }

    /** The finished runs of one transaction, handled before it commits. */
    private final class Pending implements TransactionSynchronization {

        final List<PipelineRunFinished> runs = new ArrayList<>();

        // Before the status module's synchronization (the lowest precedence), which writes our events.
        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE - 100;
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResource(RunHistoryRecorder.this);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(RunHistoryRecorder.this, this);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            handle(runs);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(RunHistoryRecorder.this);
        }
    }
}
