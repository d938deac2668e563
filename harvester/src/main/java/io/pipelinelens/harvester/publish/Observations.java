package io.pipelinelens.harvester.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.harvester.HarvesterProperties;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>When the buffer is full while the broker answers, the watcher waits for room (back-pressure: a
 * burst such as a re-list must not cost events). While the broker is away something has to give, in
 * this order: a state that a later event of the same object supersedes (nothing is lost); else the
 * oldest applied state, and once the buffer has drained a {@link ResyncRequested} makes every watcher
 * republish the current state; a deletion only when the buffer holds nothing but deletions, because no
 * re-list can bring back the deletion of an object the API no longer has.
 *
 * <p>An event that no queue is bound for (returned under mandatory routing) is retried like any
 * failure, so nothing is lost while the consumer is still declaring its queue; but once its routing
 * key has been unroutable for {@code unroutable-grace}, such events are skipped with a warning and
 * counted, so that one routing key nobody listens to cannot block the ordered stream forever. When
 * a skipped routing key becomes routable again, the watchers republish the current state for the
 * consumer that has just bound it.
 */
public class Observations implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Observations.class);
    private static final int BATCH = 256;

    private final EventPublisher publisher;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final int capacity;
    private final Duration retryInterval;
    private final Duration confirmTimeout;
    private final Duration unroutableGrace;
    private final Counter lostDeletions;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Separate from `changed`: new events must not cut the retry pause short while the broker is away.
    private final Condition stopping = lock.newCondition();
    private final ArrayDeque<Entry> buffer = new ArrayDeque<>();
    // How many events of each object wait in the buffer: more than one means the older are superseded.
    private final Map<String, Integer> waitingPerObject = new HashMap<>();
    private long nextSequence;
    private long dropped;
    private long droppedSinceResync;
    // Sender thread only: since when each routing key has been unroutable, and which ones skipped events.
    private final Map<String, Long> unroutableSince = new HashMap<>();
    private final Set<String> skippedRoutingKeys = new HashSet<>();
    private long skippedSinceResync;
    private boolean republishForNewConsumer;
    private boolean probing;
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
        this.meters = meters;
        this.capacity = properties.buffer().capacity();
        this.retryInterval = properties.buffer().retryInterval();
        this.confirmTimeout = properties.buffer().confirmTimeout();
        this.unroutableGrace = properties.buffer().unroutableGrace();
        this.lostDeletions = Counter.builder("pipelinelens.harvester.buffer.deletions.lost")
                .description("Deletions dropped because the buffer was full of nothing but deletions")
                .register(meters);
        Gauge.builder("pipelinelens.harvester.buffer.depth", this, Observations::depth)
                .description("Events waiting for the broker's confirm")
                .register(meters);
        Gauge.builder("pipelinelens.harvester.buffer.dropped", this, Observations::dropped)
                .description("Events dropped because the buffer was full while the broker was away")
                .register(meters);
    }

    /**
     * Queues one event. Waits (at most {@code confirm-timeout}) for room while the broker answers;
     * never waits while it is away.
     */
    public void submit(Publication publication) {
        lock.lock();
        try {
            if (buffer.size() >= capacity && running && publisher.connected()) {
                awaitRoom();
            }
            if (buffer.size() >= capacity && !makeRoomFor(publication)) {
                return;
            }
            buffer.addLast(new Entry(nextSequence++, publication));
            if (publication.object() != null) {
                waitingPerObject.merge(publication.object(), 1, Integer::sum);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void awaitRoom() {
        long left = confirmTimeout.toNanos();
        try {
            while (buffer.size() >= capacity && running && publisher.connected() && left > 0) {
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops one event to make room; false when that is the incoming one. Called with the lock held. */
    private boolean makeRoomFor(Publication incoming) {
        Iterator<Entry> oldestFirst = buffer.iterator();
        Entry oldestApplied = null;
        while (oldestFirst.hasNext()) {
            Entry e = oldestFirst.next();
            Publication p = e.publication();
            if (p.deletion()) {
                continue;
            }
            if (p.object() != null
                    && (waitingPerObject.getOrDefault(p.object(), 0) > 1
                            || p.object().equals(incoming.object()))) {
                // A later state of the same object is waiting (or arriving): this one carries nothing it lacks.
                oldestFirst.remove();
                forget(e);
                dropped++;
                log.debug("Buffer full: dropped {}, superseded by a later state", p.id());
                return true;
            }
            if (oldestApplied == null) {
                oldestApplied = e;
            }
        }
        if (oldestApplied != null) {
            buffer.remove(oldestApplied);
            forget(oldestApplied);
            overflowed(oldestApplied.publication());
            return true;
        }
        if (!incoming.deletion()) {
            // Only deletions wait: the incoming state gives way, the re-list brings it back.
            overflowed(incoming);
            return false;
        }
        Entry oldest = buffer.pollFirst();
        forget(oldest);
        dropped++;
        lostDeletions.increment();
        log.warn(
                "Observation buffer full ({} events) of deletions only: the deletion {} is lost; raise pipelinelens.harvester.buffer.capacity",
                capacity,
                oldest.publication().id());
        return true;
    }

    private void overflowed(Publication lost) {
        dropped++;
        if (droppedSinceResync++ == 0) {
            log.warn(
                    "Observation buffer full ({} events) while the broker is away: dropping {}; every watcher will republish its current state once the broker is back",
                    capacity,
                    lost.id());
        }
    }

    private void forget(Entry e) {
        String object = e.publication().object();
        if (object != null) {
            waitingPerObject.computeIfPresent(object, (k, n) -> n > 1 ? n - 1 : null);
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
            // After a failure only the head is tried until it goes through, so a broker that is
            // away (or a key that is unroutable) is not sent the same batch again and again.
            probing = !complete;
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
            int limit = probing ? 1 : BATCH;
            List<Entry> batch = new ArrayList<>(Math.min(limit, buffer.size()));
            for (Entry e : buffer) {
                if (batch.size() == limit) {
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
        // In order, on one channel; stops early when the broker is unreachable.
        List<CompletableFuture<Void>> confirms =
                publisher.publishAll(batch.stream().map(Entry::publication).toList());
        long deadline = System.nanoTime() + confirmTimeout.toNanos();
        long confirmedUpTo = -1;
        boolean complete = true;
        for (int i = 0; i < confirms.size(); i++) {
            try {
                confirms.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                confirmedUpTo = batch.get(i).sequence();
                routed(batch.get(i));
            } catch (java.util.concurrent.TimeoutException e) {
                publisher.disconnected();
                log.warn(
                        "The broker did not confirm {} within {}",
                        batch.get(i).publication().id(),
                        confirmTimeout);
                complete = false;
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                Entry entry = batch.get(i);
                if (unwrap(e) instanceof RabbitEventPublisher.UnroutableException && unroutableTooLong(entry)) {
                    skip(entry);
                    confirmedUpTo = entry.sequence();
                    continue;
                }
                log.warn(
                        "Publishing {} failed, will retry: {}",
                        entry.publication().id(),
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

    private static Throwable unwrap(java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Whether the entry's routing key has been unroutable for longer than the grace; starts the clock. */
    private boolean unroutableTooLong(Entry entry) {
        String key = entry.publication().routingKey();
        long now = System.nanoTime();
        Long since = unroutableSince.putIfAbsent(key, now);
        if (since == null) {
            log.warn(
                    "No queue is bound for routing key {} yet: holding {} and what follows for up to {} before skipping such events",
                    key,
                    entry.publication().id(),
                    unroutableGrace);
            return unroutableGrace.isZero();
        }
        return now - since >= unroutableGrace.toNanos();
    }

    private void skip(Entry entry) {
        Publication p = entry.publication();
        skippedRoutingKeys.add(p.routingKey());
        skippedSinceResync++;
        meters.counter("pipelinelens.harvester.unroutable", "kind", p.kind()).increment();
        log.warn(
                "Skipping {}: no queue has been bound for routing key {} for more than {}",
                p.id(),
                p.routingKey(),
                unroutableGrace);
    }

    private void routed(Entry entry) {
        String key = entry.publication().routingKey();
        if (unroutableSince.remove(key) != null && skippedRoutingKeys.remove(key)) {
            // A consumer has bound the key after events were skipped: give it the current state.
            log.info("Routing key {} is routable again after events were skipped", key);
            republishForNewConsumer = true;
        }
    }

    private void removeUpTo(long sequence) {
        lock.lock();
        try {
            while (!buffer.isEmpty() && buffer.peekFirst().sequence() <= sequence) {
                forget(buffer.pollFirst());
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
            boolean overflowRecovered = droppedSinceResync > 0 && buffer.isEmpty();
            if (!overflowRecovered && !republishForNewConsumer) {
                return;
            }
            lost = droppedSinceResync + skippedSinceResync;
            droppedSinceResync = 0;
            skippedSinceResync = 0;
            republishForNewConsumer = false;
        } finally {
            lock.unlock();
        }
        log.info("{} events were dropped or skipped: every watcher republishes its current state", lost);
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
