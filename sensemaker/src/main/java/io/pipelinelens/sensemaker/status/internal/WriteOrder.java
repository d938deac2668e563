package io.pipelinelens.sensemaker.status.internal;

import java.util.Comparator;
import java.util.List;

/**
 * The order in which one transaction's status events enter the outbox, and the order in which it
 * locks their keys. Pure, so that the rules can be tested on their own.
 */
final class WriteOrder {

    private WriteOrder() {}

    /**
     * By the time the fact happened; events of the same time keep the order they were published in.
     * A key's events therefore go out in the order they happened as far as one transaction knows them
     * (the tracing module records settled runs in batches, not in completion order).
     */
    static List<StatusEvent> events(List<StatusEvent> published) {
        return published.stream()
                .sorted(Comparator.comparing(StatusEvent::time)) // stable: ties keep their order
                .toList();
    }

    /**
     * The advisory lock of each key, each once, ascending. Every writer takes them in the same order,
     * so two transactions that write the same keys wait for each other instead of deadlocking.
     * {@link String#hashCode()} is specified, so every replica computes the same value; two keys with
     * the same hash share a lock, which costs some waiting and nothing else.
     */
    static List<Integer> locks(List<StatusEvent> events) {
        return events.stream().map(e -> lock(e.key())).distinct().sorted().toList();
    }

    static int lock(String key) {
        return key.hashCode();
    }
}
