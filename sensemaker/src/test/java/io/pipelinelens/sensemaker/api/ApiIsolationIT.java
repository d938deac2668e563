package io.pipelinelens.sensemaker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API cannot starve the rest: GraphQL runs on its own pool with limits, while ingest and
 * tracing go on; and what cannot be traced is shown, not dropped.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ApiIsolationIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RUN = "tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml";
    private static final String LOOKUP = """
            %s: trace(pipelineRun: {namespace: "jx", name: "%s"}) {
              traceId spanCount
              root { name children { name children { name } } }
            }
            """;

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("isolation", registry);
        registry.add(
                "pipelinelens.sensemaker.tracing.pending-timeout",
                () -> SensemakerInfrastructure.PENDING_TIMEOUT_FOR_GIVE_UP_TESTS);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Infrastructure {
        @Bean
        static BeanFactoryPostProcessor closeInfrastructureAfterTheApplication() {
            return infra.closedAfterTheApplication();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    DSLContext db;

    private final JsonMapper json = JsonMapper.builder().build();
    private RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.create("http://localhost:" + port);
    }

    @Test
    void concurrentAliasedLookupsNeitherFreezeTheApiNorHoldBackTracing() throws Exception {
        String traced = publishRun(UUID.randomUUID().toString(), null);
        await().atMost(WAIT).until(() -> spans(traced) > 0);
        StringBuilder aliased = new StringBuilder("{");
        for (int i = 0; i < 4; i++) {
            aliased.append(LOOKUP.formatted("t" + i, "run-" + traced));
        }
        String document = aliased.append("}").toString();

        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> query(document), clients));
            }
            // While the API is busy, a run observed now is still traced.
            String during = publishRun(UUID.randomUUID().toString(), null);
            await().atMost(WAIT).until(() -> spans(during) > 0);
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get();
            for (CompletableFuture<JsonNode> answer : answers) {
                JsonNode response = answer.get();
                if (response.has("errors")) {
                    // Only the pool's own refusal is acceptable under this load, never a hang.
                    assertThat(response.path("errors").toString()).contains("busy");
                } else {
                    assertThat(response.path("data")
                                    .path("t3")
                                    .path("spanCount")
                                    .asInt())
                            .isPositive();
                }
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(health().path("status").asString()).isEqualTo("UP");
    }

    @Test
    void aQueryTooDeepOrTooCostlyGetsAClearErrorInsteadOfRunning() {
        String deep =
                "{ trace(gitEvent: \"x\") { root " + "{ children ".repeat(14) + "{ spanId }" + " }".repeat(14) + " } }";
        assertThat(query(deep).path("errors").toString()).containsIgnoringCase("depth");

        StringBuilder costly = new StringBuilder("{");
        for (int i = 0; i < 10; i++) {
            costly.append(LOOKUP.formatted("t" + i, "nope"));
        }
        assertThat(query(costly.append("}").toString()).path("errors").toString())
                .containsIgnoringCase("complexity");
    }

    @Test
    void aRunWhoseSpansCannotBeBuiltIsParkedWithTheReasonAndItsNeighbourIsTraced() {
        // A completion time past 2262 does not fit OTLP's nanoseconds: the spans cannot be built.
        String broken = publishRun(UUID.randomUUID().toString(), "2300-01-01T00:00:00Z");
        String neighbour = publishRun(UUID.randomUUID().toString(), null);

        await().atMost(WAIT).until(() -> spans(neighbour) > 0);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode parked = query("{ parkedNodes(first: 10) { uid kind name reason } }")
                    .path("data")
                    .path("parkedNodes");
            assertThat(parked.toString()).contains(broken);
            assertThat(parked.get(0).path("reason").asString()).contains("overflow");
            assertThat(parked.get(0).path("kind").asString()).isEqualTo("PipelineRun");
        });
        assertThat(spans(broken)).as("nothing recorded for the parked run").isZero();
        assertThat(db.fetchValue("select recorded from trace_nodes where uid = ?", broken))
                .isEqualTo(false);
        assertThat(query("{ parkedNodes(first: 500) { uid } }").path("errors").toString())
                .contains("first must be between 1 and 100");
    }

    /** Publishes a finished run under a fresh uid; optionally with another completion time. */
    private String publishRun(String uid, String completionTime) {
        ObjectNode run = Observations.fixture(RUN);
        ((ObjectNode) run.path("metadata"))
                .put("uid", uid)
                .put("name", "run-" + uid)
                .put("namespace", "jx");
        ((ObjectNode) run.path("metadata")).withObject("labels").remove("event-GUID");
        ((ObjectNode) run.path("metadata")).remove("ownerReferences");
        if (completionTime != null) {
            ((ObjectNode) run.path("status")).put("completionTime", completionTime);
        }
        rabbit.send(infra.exchange, Observations.routingKey(run), Observations.applied(run));
        return uid;
    }

    private int spans(String runUid) {
        return db.fetchCount(db.selectOne().from("spans").where("attributes ->> 'cicd.pipeline.run.id' = ?", runUid));
    }

    private JsonNode query(String document) {
        String response = http.post()
                .uri("/graphql")
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_GRAPHQL_RESPONSE)
                .body(json.writeValueAsString(Map.of("query", document)))
                .retrieve()
                // A request refused before it runs is a 400 with the errors in the body (GraphQL over HTTP).
                .onStatus(status -> status.value() == 400, (request, answer) -> {})
                .body(String.class);
        return json.readTree(response);
    }

    private JsonNode health() {
        return json.readTree(http.get()
                .uri("/actuator/health")
                .retrieve()
                .onStatus(status -> true, (request, response) -> {})
                .body(String.class));
    }
}
