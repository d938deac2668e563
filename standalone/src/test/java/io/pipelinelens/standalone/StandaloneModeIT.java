package io.pipelinelens.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipelinelens.standalone.launcher.RunningPlatform;
import io.pipelinelens.standalone.simulator.ScenarioRun;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's first command, end to end: the standalone with everything embedded (only the ports
 * are random and the simulator plays faster), and a simulated Jenkins X run coming out the other
 * side as a stored run, an exported span and a signed notification.
 */
class StandaloneModeIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ConfigurableApplicationContext standalone;
    private static long startupMillis;

    @BeforeAll
    static void startTheStandalone() {
        long started = System.nanoTime();
        standalone = StandaloneApplication.start(
                "--server.port=0",
                "--pipelinelens.standalone.services.harvester-port=0",
                "--pipelinelens.standalone.services.sensemaker-port=0",
                "--pipelinelens.standalone.services.notifier-port=0",
                "--pipelinelens.standalone.simulator.interval=5s",
                "--pipelinelens.standalone.simulator.first-run-after=1s");
        startupMillis = (System.nanoTime() - started) / 1_000_000;
    }

    @AfterAll
    static void stopIt() {
        if (standalone != null) {
            standalone.close();
        }
    }

    @Test
    void showsASimulatedRunAsStoredRunSpanAndSignedNotificationWithinAMinute() throws Exception {
        StandalonePlatform platform = standalone.getBean(StandalonePlatform.class);
        RunningPlatform services = platform.platform();
        String self = "http://127.0.0.1:" + standalone.getEnvironment().getProperty("local.server.port");
        System.out.printf(
                "standalone started in %d ms (services %d ms)%n",
                startupMillis, services.startup().toMillis());

        JsonNode overview = get(self + "/");
        assertThat(overview.path("whereToLook").path("stored runs").asString())
                .isEqualTo(services.sensemaker().url("/api/runs"));

        await("a simulated run stored by the sensemaker")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    List<String> simulated = platform.simulator().runs().stream()
                            .map(ScenarioRun::pipelineRunName)
                            .toList();
                    assertThat(simulated).isNotEmpty();
                    assertThat(get(services.sensemaker().url("/api/runs")).toString())
                            .containsAnyOf(simulated.toArray(String[]::new));
                });
        await("an exported span at the built-in OTLP receiver")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(get(self + "/api/spans").valueStream())
                        .anySatisfy(span -> {
                            assertThat(span.path("traceId").asString()).hasSize(32);
                            assertThat(span.path("attributes").propertyNames())
                                    .anySatisfy(name -> assertThat(name).startsWith("cicd.pipeline"));
                        }));
        await("a delivered, signature-valid webhook at the sink")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(get(self + "/api/notifications").valueStream())
                        .anySatisfy(n -> {
                            assertThat(n.path("signatureValid").asBoolean()).isTrue();
                            assertThat(n.path("type").asString()).isNotBlank();
                        }));
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
