package io.pipelinelens.harvester.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.contracts.ResourceEvents.Action;
import io.pipelinelens.harvester.HarvesterProperties;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The buffer's overflow, back-pressure and unroutable policies, against an in-memory broker stand-in. */
class ObservationsTests {

    private final Broker broker = new Broker();
    private final List<ResyncRequested> resyncs = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Observations observations;

    @AfterEach
    void stop() {
        if (observations != null) {
            broker.up = true;
            broker.unbound.clear();
            observations.stop();
        }
    }

    @Test
    void anOverflowWhileTheBrokerIsAwayDropsSupersededStatesFirstAndNeedsNoRepublish() {
        observations = observations(3, Duration.ofMinutes(5));
        observations.submit(applied("a", 1));
        observations.submit(applied("b", 1));
        observations.submit(applied("a", 2));
        observations.submit(applied("a", 3)); // full: a/1 is superseded by a/2

        assertThat(observations.dropped()).isEqualTo(1);
        broker.up = true;
        observations.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> observations.depth() == 0);
        assertThat(broker.deliveredIds()).containsExactly("b/1", "a/2", "a/3");
        assertThat(resyncs).as("no latest state was lost").isEmpty();
    }

    @Test
    void anOverflowThatLosesALatestStateDropsTheOldestAppliedKeepsDeletionsAndRequestsARepublish() {
        observations = observations(3, Duration.ofMinutes(5));
        observations.submit(deleted("gone", 4));
        observations.submit(applied("a", 1));
        observations.submit(applied("b", 1));
        observations.submit(deleted("c", 7)); // full: a/1 is the oldest applied state, gone/4 stays

        assertThat(observations.dropped()).isEqualTo(1);
        broker.up = true;
        observations.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> resyncs.size() == 1);
        assertThat(broker.deliveredIds()).containsExactly("gone/4/deleted", "b/1", "c/7/deleted");
        assertThat(resyncs.getFirst().droppedEvents()).isEqualTo(1);
    }

    @Test
    void whenOnlyDeletionsWaitTheIncomingStateGivesWayAndADeletionGoesOnlyForADeletion() {
        observations = observations(2, Duration.ofMinutes(5));
        observations.submit(deleted("x", 1));
        observations.submit(deleted("y", 1));
        observations.submit(applied("z", 1)); // dropped itself: the republish brings it back

        assertThat(observations.depth()).isEqualTo(2);
        assertThat(meters.counter("pipelinelens.harvester.buffer.deletions.lost")
                        .count())
                .isZero();

        observations.submit(deleted("w", 1)); // nothing but deletions left to give way
        assertThat(meters.counter("pipelinelens.harvester.buffer.deletions.lost")
                        .count())
                .isEqualTo(1);

        broker.up = true;
        observations.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> resyncs.size() == 1);
        assertThat(broker.deliveredIds()).containsExactly("y/1/deleted", "w/1/deleted");
    }

    @Test
    void aFullBufferHoldsTheWatcherBackWhileTheBrokerAnswersInsteadOfDropping() throws Exception {
        observations = observations(2, Duration.ofMinutes(5));
        broker.up = true;
        observations.start();
        observations.submit(applied("warm-up", 1));
        await().atMost(Duration.ofSeconds(60)).until(() -> observations.depth() == 0);
        assertThat(broker.connected()).isTrue();
        broker.holdConfirms = true;

        observations.submit(applied("a", 1));
        observations.submit(applied("b", 1));
        AtomicBoolean third = new AtomicBoolean();
        Thread watcher = Thread.ofPlatform().start(() -> {
            observations.submit(applied("c", 1));
            third.set(true);
        });
        Thread.sleep(300);
        assertThat(third).as("waits for room").isFalse();

        broker.holdConfirms = false;
        broker.release();
        watcher.join(5_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> observations.depth() == 0);
        assertThat(third).isTrue();
        assertThat(observations.dropped()).isZero();
        assertThat(broker.deliveredIds()).containsExactly("warm-up/1", "a/1", "b/1", "c/1");
    }

    @Test
    void anUnroutableKeyIsHeldForItsGraceThenSkippedCountedAndRepublishedOnceBound() {
        observations = observations(100, Duration.ofMillis(400));
        broker.up = true;
        broker.unbound.add(ResourceEvents.routingKey(Action.APPLIED, "TaskRun"));
        observations.start();

        observations.submit(publication(Action.APPLIED, "TaskRun", "t", 1));
        observations.submit(applied("a", 1));
        long submitted = System.nanoTime();

        await().atMost(Duration.ofSeconds(60)).until(() -> observations.depth() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - submitted))
                .as("held for the grace first")
                .isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(broker.deliveredIds()).containsExactly("a/1");
        assertThat(meters.counter("pipelinelens.harvester.unroutable", "kind", "taskrun.tekton.dev")
                        .count())
                .isEqualTo(1);
        assertThat(resyncs).isEmpty();

        // Past the grace, another event of that key no longer blocks the stream.
        observations.submit(publication(Action.APPLIED, "TaskRun", "t", 2));
        observations.submit(applied("b", 1));
        await().atMost(Duration.ofMillis(300)).until(() -> observations.depth() == 0);
        assertThat(broker.deliveredIds()).containsExactly("a/1", "b/1");

        // A consumer binds the key: it gets the current state through a republish.
        broker.unbound.clear();
        observations.submit(publication(Action.APPLIED, "TaskRun", "t", 3));
        await().atMost(Duration.ofSeconds(60)).until(() -> resyncs.size() == 1);
        assertThat(broker.deliveredIds()).containsExactly("a/1", "b/1", "t/3");
    }

    private Observations observations(int capacity, Duration unroutableGrace) {
        HarvesterProperties properties = new HarvesterProperties(
                "test",
                null,
                null,
                null,
                null,
                new HarvesterProperties.Buffer(capacity, Duration.ofMillis(50), Duration.ofSeconds(2), unroutableGrace),
                null);
        return new Observations(
                broker,
                event -> {
                    if (event instanceof ResyncRequested r) {
                        resyncs.add(r);
                    }
                },
                properties,
                meters);
    }

    private static Publication applied(String uid, int version) {
        return publication(Action.APPLIED, "PipelineRun", uid, version);
    }

    private static Publication deleted(String uid, int version) {
        return publication(Action.DELETED, "PipelineRun", uid, version);
    }

    private static Publication publication(Action action, String kind, String uid, int version) {
        var event = CloudEventBuilder.v1()
                .withId(ResourceEvents.id(action, uid, Integer.toString(version)))
                .withSource(URI.create("/clusters/test"))
                .withType(action.type().type())
                .build();
        return new Publication(event, ResourceEvents.routingKey(action, kind), kind.toLowerCase() + ".tekton.dev", uid);
    }

    /** Up or down, routes or returns, confirms at once or when released. */
    private static final class Broker implements EventPublisher {
        volatile boolean up;
        volatile boolean holdConfirms;
        volatile boolean connected;
        final Set<String> unbound = ConcurrentHashMap.newKeySet();
        private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> publish(Publication publication) {
            if (!up) {
                connected = false;
                return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
            }
            connected = true;
            if (unbound.contains(publication.routingKey())) {
                return CompletableFuture.failedFuture(
                        new RabbitEventPublisher.UnroutableException("no queue for " + publication.routingKey()));
            }
            delivered.add(publication.id());
            if (holdConfirms) {
                CompletableFuture<Void> confirm = new CompletableFuture<>();
                held.add(confirm);
                return confirm;
            }
            return CompletableFuture.completedFuture(null);
        }

        void release() {
            held.forEach(f -> f.complete(null));
            held.clear();
        }

        /** Distinct, in order of first arrival: a resend after a failed attempt repeats what was sent. */
        List<String> deliveredIds() {
            synchronized (delivered) {
                return delivered.stream().distinct().toList();
            }
        }

        @Override
        public boolean connected() {
            return connected;
        }

        @Override
        public void disconnected() {
            connected = false;
        }
    }
}
