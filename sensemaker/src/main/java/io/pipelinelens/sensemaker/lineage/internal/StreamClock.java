package io.pipelinelens.sensemaker.lineage.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * How far the stream of observations has come, in the harvester's time: the newest observation
 * placed, and when that last moved. While changes keep coming (a backlog drains, a resync
 * re-lists), a node settles only once the stream is a settle period past its last observation;
 * once the stream is quiet, the wall-clock settle time alone decides. Kept per replica: the broker
 * spreads one stream over all of them, so each sees it advance.
 */
@Component
class StreamClock {

    private record Reading(Instant observedUntil, Instant advancedAt) {}

    private final AtomicReference<Reading> reading = new AtomicReference<>(new Reading(Instant.EPOCH, Instant.EPOCH));

    void advance(Instant observed) {
        Instant now = Instant.now();
        reading.updateAndGet(r -> new Reading(observed.isAfter(r.observedUntil()) ? observed : r.observedUntil(), now));
    }

    /**
     * The latest observation time a node may have to be handed over now; empty while the stream
     * is quiet (no limit beyond the wall-clock settle time).
     */
    Optional<Instant> settledBefore(Duration settle) {
        Reading r = reading.get();
        if (r.advancedAt().isBefore(Instant.now().minus(settle))) {
            return Optional.empty();
        }
        return Optional.of(r.observedUntil().minus(settle));
    }
}
