package io.pipelinelens.harvester.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pipelinelens.harvester.HarvesterApplication;
import io.pipelinelens.harvester.MockCluster;
import io.pipelinelens.testing.LocalRabbit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /actuator/health} against the fabric8 mock API server in CRUD mode (what the standalone
 * runs): UP once the API answers and every kind synced, whatever the API says about its version.
 */
@SpringBootTest(classes = HarvesterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KubernetesHealthIT {

    private static final String EXCHANGE = LocalRabbit.uniqueName("harvester-health-it");
    private static final MockCluster cluster = new MockCluster();
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        cluster.harvesterProperties().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("pipelinelens.harvester.exchange", () -> EXCHANGE);
        registry.add("spring.rabbitmq.host", broker::host);
        registry.add("spring.rabbitmq.port", broker::port);
        registry.add("spring.rabbitmq.username", broker::username);
        registry.add("spring.rabbitmq.password", broker::password);
    }

    @LocalServerPort
    int port;

    @Autowired
    ResourceWatcher watcher;

    @AfterAll
    static void tearDown() {
        cluster.close();
        LocalRabbit.delete(java.util.List.of(), java.util.List.of(EXCHANGE));
    }

    @Test
    void isUpWhenTheApiAnswersAndEveryKindSynced() {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> watcher.status().stream().allMatch(ResourceWatcher.KindStatus::synced));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> response = get("/actuator/health");
            JsonNode kubernetes =
                    JSON.readTree(response.body()).path("components").path("kubernetes");
            assertThat(kubernetes.path("status").asText()).as(response.body()).isEqualTo("UP");
            assertThat(kubernetes.path("details").has("api"))
                    .as("no complaint about the API")
                    .isFalse();
            assertThat(kubernetes
                            .path("details")
                            .path("kinds")
                            .path("pipelinerun.tekton.dev")
                            .path("synced")
                            .asBoolean())
                    .isTrue();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        });
    }

    @Test
    void isDownWithTheReasonWhenTheApiDoesNotAnswer() {
        try (KubernetesClient away = new KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:9")
                        .withRequestTimeout(2_000)
                        .withConnectionTimeout(2_000)
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            Health health = new KubernetesHealthIndicator(away, watcher).health();

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("api").toString()).startsWith("unreachable: ");
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
