package io.pipelinelens.sensemaker.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.pipelinelens.sensemaker.SensemakerApplication;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.sensemaker.status.FinishedRuns.Run;
import io.pipelinelens.testing.OtlpReceiver.ReceivedSpan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sensemaker starts while its Kafka bootstrap address is a closed port: it starts as it would
 * with Kafka, ingests and traces, and keeps the status events in its outbox — its status health
 * DOWN once they waited longer than the bound — until a broker appears on that port; then it
 * publishes them in order. A key whose event Kafka refuses stops; the others go on.
 */
class StatusStartupIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Every Kafka client wait of this test: anything on the start-up path would hold it this long. */
    private static final String KAFKA_WAIT = "10m";
    /** Larger than any status event of a run with an ordinary message, smaller than the huge one. */
    private static final int MAX_REQUEST_SIZE = 64 * 1024;

    private SensemakerInfrastructure infra;
    private SwitchableKafka kafka;
    private ConfigurableApplicationContext sensemaker;
    private final Map<String, Supplier<Object>> properties = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void infrastructure() {
        kafka = SwitchableKafka.onFreePort();
        infra = SensemakerInfrastructure.create("status-startup", (name, value) -> properties.put(name, value::get));
        // Its runs have no job: they are traced once they gave up waiting for one.
        properties.put(
                "pipelinelens.sensemaker.tracing.pending-timeout",
                () -> SensemakerInfrastructure.PENDING_TIMEOUT_FOR_GIVE_UP_TESTS);
        properties.put("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        properties.put("pipelinelens.sensemaker.status.producer.max-block", () -> KAFKA_WAIT);
        properties.put("pipelinelens.sensemaker.status.producer.request-timeout", () -> KAFKA_WAIT);
        properties.put("pipelinelens.sensemaker.status.producer.delivery-timeout", () -> KAFKA_WAIT);
        properties.put("spring.kafka.admin.operation-timeout", () -> KAFKA_WAIT);
        properties.put("spring.kafka.producer.properties.max.request.size", () -> MAX_REQUEST_SIZE);
        properties.put("pipelinelens.sensemaker.status.outbox.max-age", () -> "2s");
        properties.put("pipelinelens.sensemaker.status.outbox.poll-interval", () -> "200ms");
        properties.put("pipelinelens.sensemaker.status.retry.initial-backoff", () -> "200ms");
        properties.put("pipelinelens.sensemaker.status.retry.max-backoff", () -> "1s");
        properties.put("management.endpoint.health.show-details", () -> "always");
    }

    @AfterEach
    void cleanUp() {
        if (sensemaker != null) {
            sensemaker.close();
        }
        kafka.close();
        infra.close();
    }

    @Test
    void startsTracesAndQueuesWithoutKafkaThenPublishesInOrderOnceABrokerAppears() throws Exception {
        long starting = System.nanoTime();
        CompletableFuture<ConfigurableApplicationContext> started = CompletableFuture.supplyAsync(this::start);
        // Generous, and far below the Kafka waits above: start-up does not wait for Kafka at all.
        sensemaker = await().atMost(Duration.ofMinutes(3)).until(started::get, c -> c != null);
        System.out.printf(
                "STARTUP without Kafka reachable: started in %d ms%n",
                Duration.ofNanos(System.nanoTime() - starting).toMillis());
        assertThat(health("statusOutbox").path("status").asString()).isEqualTo("UP");

        RabbitTemplate rabbit = sensemaker.getBean(RabbitTemplate.class);
        FinishedRuns pipeline = new FinishedRuns("status-startup-app");
        List<Run> runs = List.of(pipeline.next(), pipeline.next(), pipeline.next());
        runs.forEach(run -> rabbit.send(infra.exchange, "resource.applied.pipelinerun", run.observation()));

        // Ingest and tracing do not wait for Kafka.
        await().atMost(WAIT).untilAsserted(() -> assertThat(exportedRunSpans()).containsAll(uids(runs)));
        // The status events wait, and the status health says so once they waited too long.
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode health = health("statusOutbox");
            assertThat(health.path("status").asString()).isEqualTo("DOWN");
            assertThat(health.path("details").path("waiting").asInt()).isEqualTo(runs.size());
        });
        assertThat(metric("pipelinelens.status.backlog.age")).isGreaterThan(2.0);
        assertThat(metric("pipelinelens.status.backlog.size")).isEqualTo(runs.size());

        kafka.startBroker();
        try (StatusRecords records = new StatusRecords(kafka.bootstrapServers(), infra.topic)) {
            await().atMost(WAIT).until(() -> records.ids().size() >= runs.size());
            assertThat(records.ids()).containsExactlyElementsOf(eventIds(runs));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(
                                    health("statusOutbox").path("status").asString())
                            .isEqualTo("UP"));
            assertThat(metric("pipelinelens.status.backlog.size")).isZero();

            // Kafka refuses one event of one pipeline: that pipeline stops there, the other goes on.
            FinishedRuns other = new FinishedRuns("status-startup-lib");
            Run refused = pipeline.nextFailed("x".repeat(2 * MAX_REQUEST_SIZE));
            Run behindIt = pipeline.next();
            Run unaffected = other.next();
            rabbit.send(infra.exchange, "resource.applied.pipelinerun", refused.observation());
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(exportedRunSpans()).contains(refused.uid()));
            rabbit.send(infra.exchange, "resource.applied.pipelinerun", behindIt.observation());
            rabbit.send(infra.exchange, "resource.applied.pipelinerun", unaffected.observation());

            await().atMost(WAIT).until(() -> records.ids().contains(unaffected.eventId()));
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode health = health("statusOutbox");
                assertThat(health.path("status").asString()).isEqualTo("DOWN");
                // The refused event and all of its pipeline's behind it (the run history's too: broken, ...).
                List<String> waiting = unpublishedKeys();
                assertThat(waiting).hasSizeGreaterThanOrEqualTo(2).containsOnly(pipeline.key());
                assertThat(health.path("details").path("waiting").asInt()).isEqualTo(waiting.size());
                assertThat(health.path("details").path("failingKeys").asInt()).isEqualTo(1);
                assertThat(health.path("details").path("lastError").asString()).contains("RecordTooLarge");
            });
            assertThat(records.ids()).doesNotContain(refused.eventId(), behindIt.eventId());
        }
    }

    private List<String> unpublishedKeys() throws java.sql.SQLException {
        try (java.sql.Connection connection = infra.database.connect()) {
            return org.jooq
                    .impl
                    .DSL
                    .using(connection, org.jooq.SQLDialect.POSTGRES)
                    .resultQuery("select event_key from status_outbox where published_at is null order by seq")
                    .fetch(0, String.class);
        }
    }

    private ConfigurableApplicationContext start() {
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value.get()));
        args.add("--server.port=0");
        return new SpringApplicationBuilder(SensemakerApplication.class).run(args.toArray(String[]::new));
    }

    private JsonNode health(String component) throws Exception {
        return get("/actuator/health/" + component);
    }

    private double metric(String name) throws Exception {
        return get("/actuator/metrics/" + name)
                .path("measurements")
                .get(0)
                .path("value")
                .asDouble();
    }

    private JsonNode get(String path) throws Exception {
        String port = sensemaker.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private Set<String> exportedRunSpans() {
        return infra.otlp.spans().stream()
                .map(ReceivedSpan::span)
                .filter(s -> s.getName().startsWith("RUN "))
                .flatMap(s -> s.getAttributesList().stream())
                .filter(a -> a.getKey().equals("cicd.pipeline.run.id"))
                .map(KeyValue::getValue)
                .map(v -> v.getStringValue())
                .collect(Collectors.toSet());
    }

    private static List<String> eventIds(List<Run> runs) {
        return runs.stream().map(Run::eventId).toList();
    }

    private static List<String> uids(List<Run> runs) {
        return runs.stream().map(Run::uid).toList();
    }
}
