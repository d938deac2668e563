package io.pipelinelens.notifier.delivery;

import io.pipelinelens.notifier.NotifierProperties;
import java.time.Duration;
import java.util.Optional;

/** Exponential backoff between attempts, stretched to a receiver's {@code Retry-After} and capped. */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

    public static RetryPolicy of(NotifierProperties.Retry retry) {
        return new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.multiplier(), retry.maxBackoff());
    }

    /**
     * The pause after {@code attemptsMade} failed attempts. The cap applies to {@code Retry-After}
     * too: the partition's consumer waits meanwhile, and a receiver asking for an hour is better
     * served by the dead letter and a redelivery.
     */
    public Duration pauseAfter(int attemptsMade, Optional<Duration> retryAfter) {
        double factor = Math.pow(multiplier, Math.max(0, attemptsMade - 1));
        double millis = Math.min(initialBackoff.toMillis() * factor, (double) maxBackoff.toMillis());
        Duration backoff = Duration.ofMillis((long) millis);
        Duration wanted = retryAfter.filter(r -> r.compareTo(backoff) > 0).orElse(backoff);
        return wanted.compareTo(maxBackoff) > 0 ? maxBackoff : wanted;
    }
}
