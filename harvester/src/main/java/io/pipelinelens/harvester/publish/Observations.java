package io.pipelinelens.harvester.publish;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.harvester.HarvesterProperties;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The ordered, bounded buffer between the watchers and the broker. One sender thread takes events
 * from the head, sends a batch, and removes only what the broker confirmed; on a failure it resends
 * from the first unconfirmed event, so the last state delivered for a resource is always its latest.
 * When the buffer is full the oldest event is dropped and, once the buffer has drained, a {@link
 * ResyncRequested} makes every watcher republish the current state.
 */
public class Observations implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Observations.class);
    private static final int BATCH = 256;

    private final EventPublisher publisher;
    private final ApplicationEventPublisher events;
    private final int capacity;
    private final Duration retryInterval;
    private final Duration confirmTimeout;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Separate from `changed`: new events must not cut the retry pause short while the broker is away.
    private final Condition stopping = lock.newCondition();
    private final ArrayDeque<Entry> buffer = new ArrayDeque<>();
    private long nextSequence;
    private long dropped;
    private long droppedSinceResync;
    private boolean running;
    private Thread sender;

    private record Entry(long sequence, Publication publication) {}

    public Observations(
            EventPublisher publisher,
            ApplicationEventPublisher events,
            HarvesterProperties properties,
            MeterRegistry meters) {
        this.publisher = publisher;
        this.events = events;
        this.capacity = properties.buffer().capacity();
        this.retryInterval = properties.buffer().retryInterval();
        this.confirmTimeout = properties.buffer().confirmTimeout();
        Gauge.builder("pipelinelens.harvester.buffer.depth", this, Observations::depth)
                .description("Events waiting for the broker's confirm")
                .register(meters);
        Gauge.builder("pipelinelens.harvester.buffer.dropped", this, Observations::dropped)
                .description("Events dropped because the buffer was full (each overflow triggers a re-list)")
                .register(meters);
    }

    /** Queues one event; never blocks. On overflow the oldest waiting event gives way. */
    public void submit(Publication publication) {
        lock.lock();
        try {
            if (buffer.size() >= capacity) {
                Entry oldest = buffer.pollFirst();
                dropped++;
                if (droppedSinceResync++ == 0) {
                    log.warn(
                            "Observation buffer full ({} events): dropping the oldest ({}); every watcher will re-list once the broker is back",
                            capacity,
                            oldest.publication().id());
                }
            }
            buffer.addLast(new Entry(nextSequence++, publication));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int depth() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until everything queued so far is confirmed, or the timeout passes; true when empty. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!buffer.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void sendLoop() {
        while (true) {
            List<Entry> batch = nextBatch();
            if (batch == null) {
                return;
            }
            boolean complete = sendAndConfirm(batch);
            if (!complete) {
                pause();
            }
            maybeRequestResync();
        }
    }

    /** Blocks until there is something to send; null once stopped and drained (or stopped hard). */
    private List<Entry> nextBatch() {
        lock.lock();
        try {
            while (buffer.isEmpty()) {
                if (!running) {
                    return null;
                }
                changed.await();
            }
            List<Entry> batch = new ArrayList<>(Math.min(BATCH, buffer.size()));
            for (Entry e : buffer) {
                if (batch.size() == BATCH) {
                    break;
                }
                batch.add(e);
            }
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    private boolean sendAndConfirm(List<Entry> batch) {
        List<CompletableFuture<Void>> confirms = new ArrayList<>(batch.size());
        for (Entry e : batch) {
            CompletableFuture<Void> confirm = publisher.publish(e.publication());
            confirms.add(confirm);
            if (confirm.isCompletedExceptionally()) {
                break; // the broker is unreachable: do not try the rest of the batch now
            }
        }
        long deadline = System.nanoTime() + confirmTimeout.toNanos();
        long confirmedUpTo = -1;
        boolean complete = true;
        for (int i = 0; i < confirms.size(); i++) {
            try {
                confirms.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                confirmedUpTo = batch.get(i).sequence();
            } catch (java.util.concurrent.TimeoutException e) {
                publisher.disconnected();
                log.warn(
                        "The broker did not confirm {} within {}",
                        batch.get(i).publication().id(),
                        confirmTimeout);
                complete = false;
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn(
                        "Publishing {} failed, will retry: {}",
                        batch.get(i).publication().id(),
                        e.getCause().toString());
                complete = false;
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                complete = false;
                break;
            }
        }
        if (confirms.size() < batch.size()) {
            complete = false;
        }
        removeUpTo(confirmedUpTo);
        return complete;
    }

    private void removeUpTo(long sequence) {
        lock.lock();
        try {
            while (!buffer.isEmpty() && buffer.peekFirst().sequence() <= sequence) {
                buffer.pollFirst();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void maybeRequestResync() {
        long lost;
        lock.lock();
        try {
            if (droppedSinceResync == 0 || !buffer.isEmpty()) {
                return;
            }
            lost = droppedSinceResync;
            droppedSinceResync = 0;
        } finally {
            lock.unlock();
        }
        log.info("Broker caught up after dropping {} events: re-listing every watched kind", lost);
        events.publishEvent(new ResyncRequested(lost));
    }

    private void pause() {
        lock.lock();
        try {
            Duration wait = running ? retryInterval : Duration.ofMillis(200);
            stopping.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (running) {
                return;
            }
            running = true;
            sender =
                    Thread.ofPlatform().name("harvester-publisher").daemon(true).start(this::sendLoop);
        } finally {
            lock.unlock();
        }
    }

    /** Graceful shutdown: the watchers have stopped (higher phase); flush what is left, bounded in time. */
    @Override
    public void stop() {
        Thread thread;
        lock.lock();
        try {
            if (!running) {
                return;
            }
            running = false;
            changed.signalAll();
            stopping.signalAll();
            thread = sender;
        } finally {
            lock.unlock();
        }
        try {
            if (!awaitEmpty(confirmTimeout.plus(retryInterval))) {
                log.warn("Shutting down with {} events the broker has not confirmed", depth());
            }
            thread.interrupt();
            thread.join(confirmTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Starts before and stops after the watchers, so their last events are still flushed. */
    @Override
    public int getPhase() {
        return 0;
    }
}
