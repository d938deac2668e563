package io.pipelinelens.sensemaker.status.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order rules of one publishing round, without Kafka: the events of different keys go out side
 * by side in waves, the events of one key one after the other — the next only once the previous was
 * acknowledged. A key whose event failed, or was not tried, sends nothing more in this round.
 */
final class SendPlan {

    /** An event that was sent and not acknowledged, and why. */
    record Failure(OutboxEvent event, String reason) {}

    private final Map<String, Deque<OutboxEvent>> waiting = new LinkedHashMap<>();
    /** The event of each key that was handed out and is not resolved yet. */
    private final Map<String, OutboxEvent> inFlight = new LinkedHashMap<>();

    private final List<OutboxEvent> acknowledged = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    /** @param events in seq order; keys are served in the order of their first event */
    SendPlan(List<OutboxEvent> events) {
        long previous = Long.MIN_VALUE;
        for (OutboxEvent e : events) {
            if (e.seq() <= previous) {
                throw new IllegalArgumentException("events must be in ascending seq order");
            }
            previous = e.seq();
            waiting.computeIfAbsent(e.key(), k -> new ArrayDeque<>()).add(e);
        }
    }

    /**
     * The next event of every key still going, at most one per key. Empty when the round is over.
     *
     * @throws IllegalStateException when an event of the previous wave was not resolved yet
     */
    List<OutboxEvent> nextWave() {
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("unresolved events: " + inFlight.values());
        }
        List<OutboxEvent> wave = new ArrayList<>();
        waiting.forEach((key, events) -> {
            OutboxEvent next = events.poll();
            if (next != null) {
                inFlight.put(key, next);
                wave.add(next);
            }
        });
        return wave;
    }

    /** Kafka acknowledged it: its key may send its next event in the next wave. */
    void acknowledged(OutboxEvent event) {
        resolve(event);
        acknowledged.add(event);
    }

    /** The send failed: the key stops here, the event stays first of its key. */
    void failed(OutboxEvent event, String reason) {
        resolve(event);
        failures.add(new Failure(event, reason));
        waiting.remove(event.key());
    }

    /** Not sent (the broker is out of reach): the key stops here without counting a failure. */
    void notTried(OutboxEvent event) {
        resolve(event);
        waiting.remove(event.key());
    }

    List<OutboxEvent> acknowledged() {
        return List.copyOf(acknowledged);
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    private void resolve(OutboxEvent event) {
        OutboxEvent expected = inFlight.get(event.key());
        if (expected == null || expected.seq() != event.seq()) {
            throw new IllegalStateException("event " + event.seq() + " of key " + event.key()
                    + " is not the one in flight (" + (expected == null ? "none" : expected.seq()) + ")");
        }
        inFlight.remove(event.key());
    }
}
