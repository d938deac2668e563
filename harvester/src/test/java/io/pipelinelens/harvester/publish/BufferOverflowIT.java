package io.pipelinelens.harvester.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipelinelens.harvester.BrokerProxy;
import io.pipelinelens.harvester.Harvesters;
import io.pipelinelens.harvester.LatestStates;
import io.pipelinelens.harvester.MockCluster;
import io.pipelinelens.harvester.ObservationQueue;
import io.pipelinelens.harvester.OutageRig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An outage that overflows a tiny buffer: the deletions made during the outage still reach the
 * queue, and once the broker is back every watcher republishes, so the last event of every object
 * on the queue is its current state.
 */
class BufferOverflowIT {

    private static final OutageRig rig = new OutageRig("harvester-overflow-it");
    private static final String EXCHANGE = rig.exchange();
    private static final int CAPACITY = 10;
    private static final MockCluster cluster = rig.cluster();
    private static final BrokerProxy proxy = rig.proxy();
    private static final ObservationQueue queue = rig.queue();

    @AfterAll
    static void tearDown() {
        rig.close();
    }

    @Test
    void anOverflowingOutageLosesNoDeletionAndEndsWithEveryCurrentStateRepublished() {
        ConfigurableApplicationContext harvester = Harvesters.start(
                cluster,
                EXCHANGE,
                proxy.port(),
                Map.of(
                        "pipelinelens.harvester.buffer.capacity", CAPACITY,
                        "pipelinelens.harvester.buffer.retry-interval", "200ms",
                        "pipelinelens.harvester.buffer.confirm-timeout", "2s"));
        try {
            Observations observations = harvester.getBean(Observations.class);
            for (int i = 0; i < 30; i++) {
                cluster.create();
            }
            LatestStates before = LatestStates.collect(
                    queue, cluster.apiState(), Set.of(), Duration.ofSeconds(20), Duration.ofMillis(200));
            assertThat(before.mismatches(cluster.apiState(), Set.of())).isEmpty();

            proxy.cut();
            // The deletions come first: "drop the oldest" would lose exactly these.
            List<String> names = new ArrayList<>(cluster.liveNames());
            names.sort(null);
            for (String name : names.subList(0, 6)) {
                cluster.delete(name);
            }
            for (int round = 0; round < 2; round++) {
                for (String name : names.subList(6, names.size())) {
                    cluster.update(name);
                }
            }
            for (int i = 0; i < 5; i++) {
                cluster.create();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> observations.dropped() >= 40);
            assertThat(observations.depth()).isEqualTo(CAPACITY);
            proxy.restore();

            Map<String, String> api = cluster.apiState();
            LatestStates after = LatestStates.collect(
                    queue, api, cluster.deletedUids(), Duration.ofSeconds(30), Duration.ofSeconds(1));

            assertThat(cluster.deletedUids()).hasSize(6);
            assertThat(after.mismatches(api, cluster.deletedUids()))
                    .as("objects whose last event on the queue is not their current state or deletion")
                    .isEmpty();
            assertThat(harvester
                            .getBean(io.micrometer.core.instrument.MeterRegistry.class)
                            .counter("pipelinelens.harvester.buffer.deletions.lost")
                            .count())
                    .isZero();
        } finally {
            harvester.close();
        }
    }
}
