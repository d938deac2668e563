package io.pipelinelens.notifier.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.notifier.StatusEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a status event to every channel that wants it, once per channel, retrying transient
 * failures. Returns when every channel either took the event or gave up; throws {@link
 * DeliveryFailedException} in the latter case so that the event is dead-lettered, not lost.
 */
public class Deliveries {

    /** How the retry loop waits; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    static final String DELIVERIES = "pipelinelens.notifier.deliveries";
    static final String ATTEMPTS = "pipelinelens.notifier.delivery.attempts";

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

    private final List<NotificationChannel> channels;
    private final RetryPolicy retry;
    private final RecentDeliveries recent;
    private final MeterRegistry meters;
    private final Pause pause;

    public Deliveries(
            List<? extends NotificationChannel> channels,
            RetryPolicy retry,
            RecentDeliveries recent,
            MeterRegistry meters,
            Pause pause) {
        this.channels = List.copyOf(channels);
        this.retry = retry;
        this.recent = recent;
        this.meters = meters;
        this.pause = pause;
    }

    public void deliver(StatusEvent event) {
        List<DeliveryFailedException.Failure> failures = new ArrayList<>();
        for (NotificationChannel channel : channels) {
            if (!channel.accepts(event)) {
                continue;
            }
            if (!recent.claim(event.id(), channel.name())) {
                log.debug(
                        "Event {} already delivered to channel '{}'; skipping the duplicate",
                        event.id(),
                        channel.name());
                count(channel, "duplicate");
                continue;
            }
            DeliveryFailedException.Failure failure = deliverTo(channel, event);
            if (failure == null) {
                count(channel, "delivered");
            } else {
                recent.release(event.id(), channel.name());
                count(channel, "dead_lettered");
                log.warn(
                        "Gave up delivering event {} ({}) to channel '{}' after {} attempt(s): {}; it goes to the dead letter",
                        event.id(),
                        event.type().type(),
                        channel.name(),
                        failure.attempts(),
                        failure.reason());
                failures.add(failure);
            }
        }
        if (!failures.isEmpty()) {
            throw new DeliveryFailedException(event.id(), failures);
        }
    }

    /** Null when delivered. */
    private DeliveryFailedException.Failure deliverTo(NotificationChannel channel, StatusEvent event) {
        for (int attempt = 1; ; attempt++) {
            AttemptResult result;
            try {
                result = channel.attempt(event);
            } catch (RuntimeException e) {
                // A channel bug must not take the others down with it; treat it as transient.
                result = new AttemptResult.Transient(e.toString(), Optional.empty());
            }
            switch (result) {
                case AttemptResult.Delivered d -> {
                    attempted(channel, "success");
                    return null;
                }
                case AttemptResult.Permanent p -> {
                    attempted(channel, "rejected");
                    return new DeliveryFailedException.Failure(channel.name(), attempt, p.describe());
                }
                case AttemptResult.Transient t -> {
                    attempted(channel, "transient");
                    if (attempt >= retry.maxAttempts()) {
                        return new DeliveryFailedException.Failure(channel.name(), attempt, t.describe());
                    }
                    Duration wait = retry.pauseAfter(attempt, t.retryAfter());
                    log.debug(
                            "Attempt {} of event {} to channel '{}' failed ({}); next in {}",
                            attempt,
                            event.id(),
                            channel.name(),
                            t.describe(),
                            wait);
                    try {
                        pause.pause(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        // Not committed: the record is consumed again after the restart.
                        throw new IllegalStateException("interrupted while retrying event " + event.id(), e);
                    }
                }
            }
        }
    }

    private void count(NotificationChannel channel, String outcome) {
        Counter.builder(DELIVERIES)
                .description("Status events handed to channels, by channel and outcome")
                .tag("channel", channel.name())
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    private void attempted(NotificationChannel channel, String result) {
        Counter.builder(ATTEMPTS)
                .description("Single delivery attempts, by channel and result")
                .tag("channel", channel.name())
                .tag("result", result)
                .register(meters)
                .increment();
    }
}
