package io.pipelinelens.harvester.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.contracts.ResourceEvents.Action;
import io.pipelinelens.harvester.BrokerProxy;
import io.pipelinelens.harvester.HarvesterApplication;
import io.pipelinelens.harvester.LatestStates;
import io.pipelinelens.harvester.MockCluster;
import io.pipelinelens.harvester.ObservationQueue;
import io.pipelinelens.harvester.ObservationQueue.Received;
import io.pipelinelens.testing.LocalRabbit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The broker goes away in the middle of a stream of changes (a TCP proxy between the harvester and
 * the real RabbitMQ is cut) and comes back: health says so, and afterwards the last event of every
 * object on the queue is its latest state. Also: oversized objects are trimmed and still published,
 * and the counters show on the Prometheus endpoint.
 */
@SpringBootTest(classes = HarvesterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BrokerOutageIT {

    private static final String EXCHANGE = LocalRabbit.uniqueName("harvester-outage-it");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MockCluster cluster = new MockCluster();
    private static final BrokerProxy proxy =
            new BrokerProxy(LocalRabbit.broker().host(), LocalRabbit.broker().port());
    private static final ObservationQueue queue = new ObservationQueue(EXCHANGE);
    private static final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        cluster.harvesterProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("pipelinelens.harvester.exchange", () -> EXCHANGE);
        registry.add("pipelinelens.harvester.cluster", () -> "outage-it");
        registry.add("pipelinelens.harvester.buffer.retry-interval", () -> "200ms");
        registry.add("pipelinelens.harvester.buffer.confirm-timeout", () -> "2s");
        registry.add("pipelinelens.harvester.trim.max-size", () -> "16KB");
        registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
        registry.add("spring.rabbitmq.port", proxy::port);
        registry.add("spring.rabbitmq.username", broker::username);
        registry.add("spring.rabbitmq.password", broker::password);
        registry.add("spring.rabbitmq.connection-timeout", () -> "1s");
    }

    @LocalServerPort
    int port;

    @Autowired
    Observations observations;

    static {
        // Cutting the broker makes Spring AMQP's own threads throw (and log); Awaitility must not
        // mistake that for a failure of the condition it waits for.
        org.awaitility.Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    @AfterAll
    static void tearDown() {
        queue.close();
        proxy.close();
        cluster.close();
    }

    @Test
    void afterAnOutageInTheMiddleOfAStreamTheLatestStateOfEveryObjectIsOnTheQueue() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(brokerHealth()));
        int changes = 600;
        CountDownLatch cutNow = new CountDownLatch(1);
        CountDownLatch downSeen = new CountDownLatch(1);
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < changes; i++) {
                if (i == changes / 4) {
                    cutNow.countDown();
                }
                if (i == changes * 3 / 4) {
                    // Keep changing while the broker is away, until the test has seen health say so.
                    awaitLatch(downSeen);
                }
                cluster.randomChange(true);
            }
        });

        assertThat(cutNow.await(30, TimeUnit.SECONDS)).isTrue();
        proxy.cut();
        await().atMost(Duration.ofSeconds(60)).until(() -> "DOWN".equals(brokerHealth()));
        await().atMost(Duration.ofSeconds(60)).until(() -> observations.depth() > 0);
        downSeen.countDown();
        Thread.sleep(500); // changes keep piling up in the buffer
        int heldDuringOutage = observations.depth();
        proxy.restore();
        stream.get(60, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(brokerHealth()));
        Map<String, String> latest = cluster.apiState();
        LatestStates states = LatestStates.collect(
                queue, latest, cluster.deletedUids(), Duration.ofSeconds(30), Duration.ofSeconds(1));

        assertThat(heldDuringOutage)
                .as("events were held while the broker was away")
                .isPositive();
        assertThat(cluster.deletedUids()).as("the stream deleted objects too").isNotEmpty();
        assertThat(latest).hasSizeGreaterThan(50);
        assertThat(states.mismatches(latest, cluster.deletedUids()))
                .as("objects whose last event on the queue is not their latest state")
                .isEmpty();
        assertThat(observations.dropped())
                .as("the default buffer held the whole outage")
                .isZero();
        assertThat(observations.depth()).isZero();

        String prometheus = get("/actuator/prometheus");
        assertThat(counter(prometheus, "pipelinelens_harvester_failed_total", "pipelinerun.tekton.dev")
                        + counter(prometheus, "pipelinelens_harvester_failed_total", "taskrun.tekton.dev"))
                .as("the outage shows as failed sends")
                .isPositive();
        assertThat(counter(prometheus, "pipelinelens_harvester_published_total", "pipelinerun.tekton.dev"))
                .isPositive();
    }

    @Test
    void anObjectOverTheSizeCapIsPublishedTrimmedAndMarked() throws Exception {
        GenericKubernetesResource big = cluster.create();
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>)
                big.getAdditionalProperties().computeIfAbsent("status", k -> new HashMap<String, Object>());
        status.put("conditions", List.of(Map.of("type", "Succeeded", "status", "Unknown", "reason", "Running")));
        status.put("pipelineSpec", Map.of("padding", "x".repeat(40_000)));
        GenericKubernetesResource served =
                cluster.resources(big.getKind()).resource(big).updateStatus();
        String id = ResourceEvents.id(
                Action.APPLIED,
                served.getMetadata().getUid(),
                served.getMetadata().getResourceVersion());

        List<Received> found = queue.await(r -> id.equals(r.event().getId()), 1, Duration.ofSeconds(60));

        assertThat(found).as("published " + id).hasSize(1);
        Received received = found.getFirst();
        assertThat(received.event().getExtension(ResourceEvents.TRIMMED_EXTENSION))
                .hasToString("true");
        assertThat(received.message().getBody().length).isLessThan(16 * 1024 + 2_048);
        JsonNode data = received.data();
        assertThat(data.at("/status/pipelineSpec").isMissingNode()).isTrue();
        assertThat(data.at("/metadata/uid").asText())
                .isEqualTo(served.getMetadata().getUid());
        assertThat(data.at("/status/conditions").isArray())
                .as("the status summary stays")
                .isTrue();
        assertThat(counter(
                        get("/actuator/prometheus"),
                        "pipelinelens_harvester_trimmed_total",
                        big.getKind().toLowerCase() + ".tekton.dev"))
                .isPositive();
    }

    @Test
    void prometheusShowsEveryCounterPerKindAndTheBufferDepth() throws Exception {
        String prometheus = get("/actuator/prometheus");

        for (String kind : List.of("pipelinerun.tekton.dev", "taskrun.tekton.dev")) {
            for (String name : List.of("observed", "published", "failed", "trimmed")) {
                assertThat(counter(prometheus, "pipelinelens_harvester_" + name + "_total", kind))
                        .as(name + " " + kind)
                        .isGreaterThanOrEqualTo(0);
            }
        }
        assertThat(prometheus).containsPattern("(?m)^pipelinelens_harvester_buffer_depth(\\{[^}]*})? \\d");
        assertThat(prometheus).containsPattern("(?m)^pipelinelens_harvester_buffer_dropped(\\{[^}]*})? \\d");
    }

    /** The value of a counter for a kind; fails when the endpoint does not show it. */
    private static double counter(String prometheus, String name, String kind) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*kind=\"" + Pattern.quote(kind)
                        + "\"[^}]*} ([0-9.eE+-]+)$")
                .matcher(prometheus);
        assertThat(m.find())
                .as(name + "{kind=" + kind + "} on /actuator/prometheus")
                .isTrue();
        return Double.parseDouble(m.group(1));
    }

    private String brokerHealth() throws Exception {
        JsonNode health = JSON.readTree(get("/actuator/health"));
        return health.path("components").path("broker").path("status").asText();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test did not see the outage");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
