package io.pipelinelens.notifier.delivery;

import java.time.Duration;
import java.util.Optional;

/** What one attempt to hand an event to a channel came to. */
public sealed interface AttemptResult {

    String describe();

    /** The receiver took it. */
    record Delivered(String describe) implements AttemptResult {}

    /**
     * Worth another attempt (connection trouble, 5xx, 408, 429).
     *
     * @param retryAfter the receiver's own {@code Retry-After}, when it sent one
     */
    record Transient(String describe, Optional<Duration> retryAfter) implements AttemptResult {}

    /** Another attempt would be refused the same way (a 4xx other than 408/429, a redirect). */
    record Permanent(String describe) implements AttemptResult {}
}
