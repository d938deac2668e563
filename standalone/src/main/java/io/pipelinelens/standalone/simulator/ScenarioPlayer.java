package io.pipelinelens.standalone.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plays a planned run in real time: waits for each beat's moment, then delivers or writes it. */
public final class ScenarioPlayer {

    private static final Pattern UID = Pattern.compile("\\{\\{uid:([^}]+)}}");

    /** Waits until a beat's moment. */
    @FunctionalInterface
    public interface Pacer {
        void waitUntil(Instant at) throws InterruptedException;

        /** Real time: sleeps until the moment on the clock. */
        static Pacer realTime(Clock clock) {
            return at -> {
                long millis = Duration.between(clock.instant(), at).toMillis();
                if (millis > 0) {
                    Thread.sleep(millis);
                }
            };
        }
    }

    private final ClusterWriter cluster;
    private final WebhookTarget webhooks;
    private final Pacer pacer;

    public ScenarioPlayer(ClusterWriter cluster, WebhookTarget webhooks, Pacer pacer) {
        this.cluster = cluster;
        this.webhooks = webhooks;
        this.pacer = pacer;
    }

    /** Plays every beat in time order; returns the uids the cluster assigned, by object key. */
    public Map<String, String> play(ScenarioRun run) throws InterruptedException {
        Map<String, String> uids = new HashMap<>();
        List<Beat> beats = new ArrayList<>(run.beats());
        beats.sort(Comparator.comparing(Beat::at)); // stable: same-moment beats keep their causal order
        for (Beat beat : beats) {
            pacer.waitUntil(beat.at());
            switch (beat.action()) {
                case WEBHOOK -> webhooks.deliver(run.deliveryGuid(), run.githubEvent(), run.webhookBody());
                case CREATE -> uids.put(beat.key(), cluster.create(resolve(beat.object(), uids)));
                case UPDATE -> cluster.update(resolve(beat.object(), uids));
                case UPDATE_STATUS -> cluster.updateStatus(resolve(beat.object(), uids));
            }
        }
        return uids;
    }

    /** A copy of the object with every {@code {{uid:key}}} replaced by the uid the cluster assigned. */
    @SuppressWarnings("unchecked")
    static <T> T resolve(T value, Map<String, String> uids) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), resolve(v, uids)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(resolve(v, uids)));
            return (T) copy;
        }
        if (value instanceof String s && s.contains("{{uid:")) {
            Matcher m = UID.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String uid = uids.get(m.group(1));
                if (uid == null) {
                    throw new IllegalStateException("no uid yet for " + m.group(1) + ": the plan writes a child first");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(uid));
            }
            m.appendTail(out);
            return (T) out.toString();
        }
        return value;
    }
}
