package io.pipelinelens.sensemaker.status.internal;

import io.pipelinelens.sensemaker.history.PipelineBroke;
import io.pipelinelens.sensemaker.history.PipelineFlaky;
import io.pipelinelens.sensemaker.history.PipelineRecovered;
import io.pipelinelens.sensemaker.history.PipelineSlower;
import io.pipelinelens.sensemaker.tracing.PipelineRunFinished;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Puts the status events of what the tracing module records into the status outbox, in the
 * transaction that records it. A plain, synchronous listener: no registry row, no executor, no
 * retry that could let one event overtake another. The events of a transaction are collected and
 * written just before it commits, so that its key locks are held as briefly as possible.
 */
@Component
class StatusOutboxWriter {

    private static final Logger log = LoggerFactory.getLogger(StatusOutboxWriter.class);

    private final CdEvents cdEvents;
    private final HistoryStatusEvents history;
    private final StatusOutbox outbox;
    private final KafkaStatusPublisher publisher;
    private final TransactionTemplate transactions;
    private final TransactionTemplate ownTransaction;

    StatusOutboxWriter(
            CdEvents cdEvents,
            HistoryStatusEvents history,
            StatusOutbox outbox,
            KafkaStatusPublisher publisher,
            TransactionTemplate transactions) {
        this.cdEvents = cdEvents;
        this.history = history;
        this.outbox = outbox;
        this.publisher = publisher;
        this.transactions = transactions;
        // The committed transaction's resources are still bound here: only a new one commits.
        this.ownTransaction = new TransactionTemplate(transactions.getTransactionManager());
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @EventListener
    void on(PipelineRunFinished run) {
        write(cdEvents.pipelineRunFinished(run));
    }

    // The history module publishes these just before the transaction commits (its synchronization
    // runs before this writer's), so that they join the transaction's events written below.
    @EventListener
    void on(PipelineBroke broke) {
        write(history.broken(broke));
    }

    @EventListener
    void on(PipelineRecovered recovered) {
        write(history.recovered(recovered));
    }

    @EventListener
    void on(PipelineSlower slower) {
        write(history.slower(slower));
    }

    @EventListener
    void on(PipelineFlaky flaky) {
        write(history.flaky(flaky));
    }

    private void write(StatusEvent event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            // Published outside a transaction: nothing to be atomic with, write it on its own.
            transactions.executeWithoutResult(status -> outbox.append(List.of(event)));
            publisher.wakeUp();
            return;
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new Pending();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        if (pending.written) {
            // Published by another synchronization's beforeCommit after this one ran: still in the transaction.
            outbox.append(List.of(event));
        } else {
            pending.events.add(event);
        }
    }

    /** The events of one transaction, written before it commits. */
    private final class Pending implements TransactionSynchronization {

        final List<StatusEvent> events = new ArrayList<>();
        boolean written;

        // A nested REQUIRES_NEW transaction collects its own events.
        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResource(StatusOutboxWriter.this);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(StatusOutboxWriter.this, this);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            // A failure here rolls the whole transaction back: the run is recorded with its events or not at all.
            outbox.append(events);
            written = true;
        }

        @Override
        public void afterCommit() {
            if (!written && !events.isEmpty()) {
                // Registered while the commit was under way (too late for beforeCommit): not atomic
                // with the transaction any more, but not lost either.
                log.warn("{} status events arrived while their transaction committed; written after it", events.size());
                ownTransaction.executeWithoutResult(status -> outbox.append(events));
            }
            publisher.wakeUp();
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(StatusOutboxWriter.this);
        }
    }
}
