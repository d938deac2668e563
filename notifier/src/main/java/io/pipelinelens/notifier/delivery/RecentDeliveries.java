package io.pipelinelens.notifier.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The (event id, channel) pairs delivered lately, so that an event published twice upstream
 * (at-least-once) reaches each channel once. Bounded LRU, in memory, per replica: the PostgreSQL
 * delivery ledger replaces it later and makes the guarantee hold across restarts and replicas.
 */
public class RecentDeliveries {

    private record Key(String eventId, String channel) {}

    private final Map<Key, Boolean> recent;

    public RecentDeliveries(int capacity) {
        this.recent = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True when the pair is new and now claimed; false when it was delivered (or is in flight). */
    public synchronized boolean claim(String eventId, String channel) {
        return recent.putIfAbsent(new Key(eventId, channel), Boolean.TRUE) == null;
    }

    /** Forget a claim whose delivery failed, so that a later copy of the event is tried again. */
    public synchronized void release(String eventId, String channel) {
        recent.remove(new Key(eventId, channel));
    }

    synchronized int size() {
        return recent.size();
    }
}
