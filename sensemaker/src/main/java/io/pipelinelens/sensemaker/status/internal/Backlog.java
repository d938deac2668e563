package io.pipelinelens.sensemaker.status.internal;

import java.time.Duration;

/**
 * What waits in the status outbox.
 *
 * @param size unpublished events
 * @param oldestAge age of the oldest unpublished event; zero when there is none
 * @param failingKeys keys whose next event failed at least once and waits for its retry
 * @param lastError the reason of the oldest of those failures, if any
 */
record Backlog(long size, Duration oldestAge, long failingKeys, String lastError) {

    static final Backlog EMPTY = new Backlog(0, Duration.ZERO, 0, null);

    /** Stuck: something waited longer than the bound, whatever the reason (Kafka away, a key failing). */
    boolean stuck(Duration maxAge) {
        return size > 0 && oldestAge.compareTo(maxAge) > 0;
    }
}
