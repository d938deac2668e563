package io.pipelinelens.harvester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.contracts.ResourceEvents.Action;
import io.pipelinelens.harvester.publish.Observations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Events held while the broker was away are flushed when the harvester shuts down gracefully,
 * rather than waiting for the next retry (here set far beyond the test's length).
 */
class GracefulShutdownIT {

    private static final OutageRig rig = new OutageRig("harvester-shutdown-it");
    private static final String EXCHANGE = rig.exchange();
    private static final MockCluster cluster = rig.cluster();
    private static final BrokerProxy proxy = rig.proxy();
    private static final ObservationQueue queue = rig.queue();

    @AfterAll
    static void tearDown() {
        rig.close();
    }

    @Test
    void shuttingDownFlushesWhatTheBufferHolds() {
        ConfigurableApplicationContext harvester = Harvesters.start(
                cluster,
                EXCHANGE,
                proxy.port(),
                Map.of(
                        "pipelinelens.harvester.buffer.retry-interval", "60s",
                        "pipelinelens.harvester.buffer.confirm-timeout", "2s"));
        try {
            GenericKubernetesResource first = cluster.create();
            String firstId = id(first);
            assertThat(queue.await(r -> firstId.equals(r.event().getId()), 1, Duration.ofSeconds(60)))
                    .hasSize(1);
            Observations observations = harvester.getBean(Observations.class);

            proxy.cut();
            Map<String, String> held = new HashMap<>();
            for (int i = 0; i < 5; i++) {
                GenericKubernetesResource created = cluster.create();
                held.put(created.getMetadata().getUid(), id(created));
            }
            GenericKubernetesResource updated =
                    cluster.update(first.getMetadata().getName());
            held.put(updated.getMetadata().getUid(), id(updated));
            await().atMost(Duration.ofSeconds(60)).until(() -> observations.depth() == 6);
            proxy.restore();

            assertThat(queue.drain(r -> true, Duration.ofSeconds(1)))
                    .as("nothing goes out before the next retry, a minute away")
                    .isEmpty();
            assertThat(observations.depth()).isEqualTo(6);

            harvester.close();

            LatestStates states =
                    LatestStates.collect(queue, held, Set.of(), Duration.ofSeconds(5), Duration.ofMillis(500));
            assertThat(states.mismatches(held, Set.of()))
                    .as("held events on the queue after a graceful shutdown")
                    .isEmpty();
        } finally {
            harvester.close();
        }
    }

    private static String id(GenericKubernetesResource served) {
        return ResourceEvents.id(
                Action.APPLIED,
                served.getMetadata().getUid(),
                served.getMetadata().getResourceVersion());
    }
}
