package io.pipelinelens.sensemaker.status.internal;

import io.cloudevents.jackson.JsonFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drains the status outbox to Kafka on a thread of its own, in rounds. A round owns the keys whose
 * first event it locked ({@link StatusOutbox#lockNext}) and sends their events per {@link SendPlan}:
 * a key's next event only after Kafka acknowledged the previous one, keys side by side. A failed
 * send stops its key, which is tried again after its backoff; the other keys go on. Acknowledged
 * events are marked published in the round's transaction, so a crash before the commit sends them
 * again — with the same id, which consumers dedupe.
 */
@Component
class KafkaStatusPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaStatusPublisher.class);
    private static final byte[] CONTENT_TYPE = JsonFormat.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /** What a round did; {@code unreachable}: the broker answered none of its sends. */
    record Round(int published, int failed, boolean unreachable) {
        static final Round IDLE = new Round(0, 0, false);
        static final Round UNREACHABLE = new Round(0, 0, true);
    }

    private final StatusOutbox outbox;
    private final StatusTopic topic;
    private final KafkaTemplate<String, byte[]> kafka;
    private final TransactionTemplate transactions;
    private final StatusProperties.Status properties;
    private final Counter published;
    private final Counter failures;
    private final Semaphore wakeUps = new Semaphore(0);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread worker;
    private volatile boolean running;

    KafkaStatusPublisher(
            StatusOutbox outbox,
            StatusTopic topic,
            ProducerFactory<String, byte[]> producers,
            TransactionTemplate transactions,
            StatusProperties properties,
            MeterRegistry meters) {
        this.outbox = outbox;
        this.topic = topic;
        // Boot's template logs every failed send as an error with its stack trace; this one reports
        // through the outbox (last_error), the statusOutbox health and the log lines below.
        this.kafka = new KafkaTemplate<>(producers);
        this.kafka.setProducerListener(new ProducerListener<>() {});
        this.transactions = transactions;
        this.properties = properties.status();
        this.published = meters.counter("pipelinelens.status.published");
        this.failures = meters.counter("pipelinelens.status.publish.failures");
    }

    /** Events were written: look now rather than at the next poll. */
    void wakeUp() {
        wakeUps.release();
    }

    @Override
    public void start() {
        running = true;
        // Starting the thread is all start-up does: the broker is first contacted from there.
        worker = Thread.ofPlatform().name("status-publisher").daemon().start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        stopping.countDown();
        wakeUps.release();
        Thread t = worker;
        if (t != null) {
            try {
                t.join(STOP_GRACE.toMillis());
                if (t.isAlive()) {
                    // A send or the topic check waiting for an absent broker: what it was doing stays in the outbox.
                    t.interrupt();
                    t.join(STOP_GRACE.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        int failedRounds = 0;
        Instant nextPurge = Instant.now();
        boolean wasReachable = true;
        while (running) {
            try {
                Round round = topic.ensure() ? publishRound() : Round.UNREACHABLE;
                if (round.unreachable()) {
                    if (wasReachable) {
                        log.warn(
                                "Kafka is out of reach; status events wait in the outbox ({} waiting)",
                                outbox.backlog().size());
                    }
                    wasReachable = false;
                    // Wake-ups do not cut this short: every recorded run would retry at once.
                    pause(properties.retry().delayAfter(++failedRounds));
                    continue;
                }
                if (!wasReachable) {
                    log.info("Kafka is reachable again; publishing the waiting status events");
                }
                wasReachable = true;
                failedRounds = 0;
                if (Instant.now().isAfter(nextPurge)) {
                    purge();
                    nextPurge = Instant.now().plus(PURGE_EVERY);
                }
                if (round.published() == 0) {
                    wakeUps.tryAcquire(properties.outbox().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Duration retryIn = properties.retry().delayAfter(++failedRounds);
                log.warn("Publishing status events failed, retrying in {}: {}", retryIn, e.toString());
                try {
                    pause(retryIn);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One round in one transaction: the locks on the keys' first events hold until it ends. */
    private Round publishRound() {
        Round round = transactions.execute(status -> {
            List<OutboxEvent> events = outbox.lockNext(
                    properties.outbox().keysPerRound(), properties.outbox().eventsPerKey());
            if (events.isEmpty()) {
                return Round.IDLE;
            }
            SendPlan plan = new SendPlan(events);
            boolean unreachable = false;
            List<OutboxEvent> wave = plan.nextWave();
            while (!wave.isEmpty() && !unreachable) {
                unreachable = send(wave, plan);
                wave = unreachable ? List.of() : plan.nextWave();
            }
            outbox.markPublished(plan.acknowledged());
            for (SendPlan.Failure failure : plan.failures()) {
                OutboxEvent event = failure.event();
                outbox.markFailed(event, properties.retry().delayAfter(event.attempts() + 1), failure.reason());
                if (event.attempts() == 0 && !unreachable) {
                    log.warn(
                            "Status event {} of {} not sent, its key waits: {}",
                            event.id(),
                            event.key(),
                            failure.reason());
                } else {
                    log.debug("Status event {} of {} not sent: {}", event.id(), event.key(), failure.reason());
                }
            }
            return new Round(plan.acknowledged().size(), plan.failures().size(), unreachable);
        });
        published.increment(round.published());
        failures.increment(round.failed());
        return round;
    }

    /**
     * Sends one event of each key of the wave and waits for every outcome.
     *
     * @return whether the broker was out of reach: no send got an answer from it
     */
    private boolean send(List<OutboxEvent> wave, SendPlan plan) {
        Map<OutboxEvent, CompletableFuture<?>> sent = new LinkedHashMap<>();
        for (Iterator<OutboxEvent> it = wave.iterator(); it.hasNext(); ) {
            OutboxEvent event = it.next();
            CompletableFuture<?> outcome = start(event);
            sent.put(event, outcome);
            if (outcome.isCompletedExceptionally() && timedOut(outcome.exceptionNow())) {
                // No metadata within max-block: each further send would wait as long again.
                it.forEachRemaining(plan::notTried);
                break;
            }
        }
        boolean answered = false;
        long timeout = properties.producer().outcomeTimeout().toMillis();
        for (Map.Entry<OutboxEvent, CompletableFuture<?>> entry : sent.entrySet()) {
            try {
                entry.getValue().get(timeout, TimeUnit.MILLISECONDS);
                plan.acknowledged(entry.getKey());
                answered = true;
            } catch (ExecutionException e) {
                plan.failed(entry.getKey(), rootCause(e).toString());
                answered |= !timedOut(e);
            } catch (TimeoutException e) {
                plan.failed(entry.getKey(), "no outcome within " + Duration.ofMillis(timeout));
            } catch (InterruptedException e) {
                // Stopping: the outcome is unknown, the event stays first of its key.
                Thread.currentThread().interrupt();
                plan.notTried(entry.getKey());
            }
        }
        return !answered;
    }

    private CompletableFuture<?> start(OutboxEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(properties.topic(), event.key(), event.payload());
        record.headers().add("content-type", CONTENT_TYPE);
        try {
            return kafka.send(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void purge() {
        Integer purged =
                transactions.execute(status -> outbox.purge(properties.outbox().retention()));
        if (purged != null && purged > 0) {
            log.debug(
                    "Forgot {} published status events older than {}",
                    purged,
                    properties.outbox().retention());
        }
    }

    private void pause(Duration duration) throws InterruptedException {
        stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static boolean timedOut(Throwable failure) {
        return rootCause(failure) instanceof org.apache.kafka.common.errors.TimeoutException;
    }

    /** The Kafka client's own exception, without the futures' and Spring's wrappers. */
    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        // Spring Kafka wraps both what the producer throws and what it reports ("Send failed").
        while ((cause instanceof ExecutionException
                        || cause instanceof CompletionException
                        || cause instanceof KafkaException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
