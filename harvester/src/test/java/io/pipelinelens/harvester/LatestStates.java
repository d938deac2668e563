package io.pipelinelens.harvester;

import io.pipelinelens.contracts.EventType;
import io.pipelinelens.harvester.ObservationQueue.Received;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a consumer of the queue knows: every event of every object (by uid), in arrival order. A
 * consumer keeps the last one it sees per object, so that is what the tests check.
 */
public final class LatestStates {

    private final Map<String, List<Received>> perObject = new HashMap<>();
    private int received;

    /**
     * Receives until the last event of every expected object is its expected state (latest applied
     * id, or a deletion), or the timeout passes; then keeps receiving for {@code settle}, so that an
     * older state arriving late would still show.
     */
    public static LatestStates collect(
            ObservationQueue queue,
            Map<String, String> latestApplied,
            Set<String> deleted,
            Duration timeout,
            Duration settle) {
        LatestStates states = new LatestStates();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline
                && !states.mismatches(latestApplied, deleted).isEmpty()) {
            states.addAll(queue.drain(r -> true, Duration.ofMillis(300)));
        }
        states.addAll(queue.drain(r -> true, settle));
        return states;
    }

    public void addAll(List<Received> events) {
        for (Received r : events) {
            String uid = r.data().path("metadata").path("uid").asText();
            perObject.computeIfAbsent(uid, k -> new ArrayList<>()).add(r);
            received++;
        }
    }

    public int received() {
        return received;
    }

    /** Every id received for the object, in arrival order. */
    public List<String> ids(String uid) {
        return perObject.getOrDefault(uid, List.of()).stream()
                .map(r -> r.event().getId())
                .toList();
    }

    /** uid → what is wrong with it: for an empty result, every object's last event is its latest state. */
    public Map<String, String> mismatches(Map<String, String> latestApplied, Set<String> deleted) {
        Map<String, String> wrong = new TreeMap<>();
        latestApplied.forEach((uid, id) -> {
            Received last = last(uid);
            if (last == null) {
                wrong.put(uid, "nothing received, expected " + id);
            } else if (!last.event().getId().equals(id)) {
                wrong.put(uid, "last " + last.event().getId() + ", expected " + id + " (all: " + ids(uid) + ")");
            }
        });
        for (String uid : deleted) {
            Received last = last(uid);
            if (last == null
                    || !EventType.RESOURCE_DELETED.type().equals(last.event().getType())) {
                wrong.put(uid, "no deletion last, received " + ids(uid));
            }
        }
        return wrong;
    }

    private Received last(String uid) {
        List<Received> events = perObject.get(uid);
        return events == null || events.isEmpty() ? null : events.getLast();
    }

    public Set<String> uids() {
        return perObject.keySet();
    }

    /** Every event received, per object in arrival order. */
    public List<Received> events() {
        return perObject.values().stream().flatMap(List::stream).toList();
    }

    /** The CloudEvent types received. */
    public Set<String> types() {
        return perObject.values().stream()
                .flatMap(List::stream)
                .map(r -> r.event().getType())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** uid → id of the last event, for every object whose last event is an applied state: a consumer's view. */
    public Map<String, String> latestApplied() {
        Map<String, String> latest = new HashMap<>();
        perObject.forEach((uid, events) -> {
            Received last = events.getLast();
            if (EventType.RESOURCE_APPLIED.type().equals(last.event().getType())) {
                latest.put(uid, last.event().getId());
            }
        });
        return latest;
    }
}
