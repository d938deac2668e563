package io.pipelinelens.harvester;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.contracts.EventType;
import io.pipelinelens.testing.LocalRabbit;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A harvester is stopped in the middle of a stream of changes and a new one starts against the same
 * API and queue: afterwards the queue's latest (uid, resourceVersion) set is the API's, and what the
 * new harvester republished carries the same ids as before, so consumers dedupe it.
 */
class RestartIT {

    private static final String EXCHANGE = LocalRabbit.uniqueName("harvester-restart-it");
    private static final MockCluster cluster = new MockCluster();
    private static final ObservationQueue queue = new ObservationQueue(EXCHANGE);

    @AfterAll
    static void tearDown() {
        queue.close();
        cluster.close();
    }

    @Test
    void aRestartMidStreamLeavesTheApisLatestStatesOnTheQueueWithTheSameIds() throws Exception {
        int brokerPort = LocalRabbit.broker().port();
        Map<String, Object> fast = Map.of("pipelinelens.harvester.buffer.retry-interval", "200ms");
        ConfigurableApplicationContext first = Harvesters.start(cluster, EXCHANGE, brokerPort, fast);

        CountDownLatch restartNow = new CountDownLatch(1);
        CountDownLatch secondWatching = new CountDownLatch(1);
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 80; i++) {
                cluster.create();
            }
            for (int i = 0; i < 200; i++) {
                if (i == 100) {
                    restartNow.countDown();
                }
                if (i == 160) {
                    awaitLatch(secondWatching);
                }
                // A stateless watcher cannot learn of a deletion that happened while none ran (the
                // API no longer has the object), so deletions happen only while one is watching.
                cluster.randomChange(i < 100 || i >= 160);
                if (i >= 100 && i < 160) {
                    pause(20); // slow enough that the first harvester stops in the middle of these
                }
            }
        });

        assertThat(restartNow.await(30, TimeUnit.SECONDS)).isTrue();
        Set<String> deletedBefore = cluster.deletedUids();
        LatestStates beforeRestart = new LatestStates();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!beforeRestart.mismatches(Map.of(), deletedBefore).isEmpty() && System.nanoTime() < deadline) {
            beforeRestart.addAll(queue.drain(r -> true, Duration.ofMillis(200)));
        }
        assertThat(beforeRestart.mismatches(Map.of(), deletedBefore))
                .as("the first harvester published the deletions it saw")
                .isEmpty();
        first.close(); // mid-stream: changes go on while no harvester runs
        beforeRestart.addAll(queue.drain(r -> true, Duration.ofSeconds(1)));

        ConfigurableApplicationContext second = Harvesters.start(cluster, EXCHANGE, brokerPort, fast);
        try {
            secondWatching.countDown();
            stream.get(60, TimeUnit.SECONDS);
            Map<String, String> api = cluster.apiState();
            LatestStates afterRestart = LatestStates.collect(
                    queue, api, deletedAfter(deletedBefore), Duration.ofSeconds(30), Duration.ofSeconds(1));

            LatestStates all = new LatestStates();
            all.addAll(beforeRestart.events());
            all.addAll(afterRestart.events());
            assertThat(all.latestApplied())
                    .as("(uid, latest resourceVersion) on the queue equals the API's")
                    .isEqualTo(api);
            assertThat(all.mismatches(api, cluster.deletedUids()))
                    .as("every deleted object's last event is its deletion")
                    .isEmpty();

            Map<String, String> unchangedSinceFirst = new HashMap<>();
            api.forEach((uid, id) -> {
                List<String> ids = beforeRestart.ids(uid);
                if (!ids.isEmpty() && ids.getLast().equals(id)) {
                    unchangedSinceFirst.put(uid, id);
                }
            });
            assertThat(unchangedSinceFirst)
                    .as("objects the first harvester had published in their current state")
                    .hasSizeGreaterThan(20);
            unchangedSinceFirst.forEach((uid, id) -> assertThat(afterRestart.ids(uid))
                    .as("the new harvester republishes " + uid + " under the same id")
                    .contains(id));
            assertThat(cluster.deletedUids()).isNotEmpty();
            assertThat(beforeRestart.types()).contains(EventType.RESOURCE_DELETED.type());
        } finally {
            second.close();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<String> deletedAfter(Set<String> before) {
        Set<String> after = new HashSet<>(cluster.deletedUids());
        after.removeAll(before);
        return after;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the second harvester did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
