package io.pipelinelens.sensemaker.api;

import static io.pipelinelens.sensemaker.db.Tables.SPANS;
import static io.pipelinelens.sensemaker.db.Tables.TRACE_NODES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
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
 * The GraphQL trace lookup over real HTTP, against traces stored in a real PostgreSQL: written
 * directly for exact trees, and assembled by the application from a PipelineRun that came
 * through RabbitMQ.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TraceLookupIT {

    private static final String TRACE_FIELDS = """
            fragment SpanFields on Span {
              spanId parentSpanId name start end durationMs status statusMessage
              attributes { key value type }
            }
            fragment TraceFields on Trace {
              traceId url spanCount
              spans { spanId }
              root {
                ...SpanFields
                children { ...SpanFields children { ...SpanFields children { ...SpanFields children { spanId } } } }
              }
            }
            """;

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("api", registry);
        registry.add(
                "pipelinelens.sensemaker.tracing.pending-timeout",
                () -> SensemakerInfrastructure.PENDING_TIMEOUT_FOR_GIVE_UP_TESTS);
        registry.add(
                "pipelinelens.sensemaker.api.trace-url-template",
                () -> "https://tempo.test/explore?trace={traceId}&v=1");
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
    DSLContext db;

    @Autowired
    RabbitTemplate rabbit;

    private final JsonMapper json = JsonMapper.builder().build();
    private RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.create("http://localhost:" + port);
    }

    @Test
    void findsATraceByItsGitEventWithItsSpanTreeAndLink() {
        StoredTrace stored = storeTrace("acme/widgets", "42", Instant.parse("2026-03-01T10:00:00Z"));

        JsonNode response = query("{ trace(gitEvent: \"" + stored.guid + "\") { ...TraceFields } }");

        assertThat(response.path("errors").isMissingNode())
                .as(response.toString())
                .isTrue();
        JsonNode trace = response.path("data").path("trace");
        assertThat(trace.path("traceId").asString()).isEqualTo(stored.traceId);
        assertThat(trace.path("url").asString())
                .isEqualTo("https://tempo.test/explore?trace=" + stored.traceId + "&v=1");
        assertThat(trace.path("spanCount").asInt()).isEqualTo(5);
        assertThat(texts(trace.path("spans"), "spanId"))
                .as("every span, earliest first")
                .containsExactly(stored.root, stored.run, stored.pending, stored.task, stored.step);

        JsonNode root = trace.path("root");
        assertThat(root.path("spanId").asString()).isEqualTo(stored.root);
        assertThat(root.path("parentSpanId").isNull()).isTrue();
        assertThat(root.path("name").asString()).isEqualTo("github pull_request");
        assertThat(root.path("start").asString()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(root.path("end").asString()).isEqualTo("2026-03-01T10:05:00.000000250Z");
        assertThat(root.path("durationMs").asDouble()).isEqualTo(300_000.00025);
        assertThat(texts(root.path("children"), "spanId")).containsExactly(stored.run);

        JsonNode run = root.path("children").get(0);
        assertThat(run.path("parentSpanId").asString()).isEqualTo(stored.root);
        assertThat(run.path("name").asString()).isEqualTo("RUN acme/widgets/pr");
        assertThat(texts(run.path("children"), "spanId")).containsExactly(stored.pending, stored.task);

        JsonNode task = run.path("children").get(1);
        assertThat(task.path("status").asString()).isEqualTo("ERROR");
        assertThat(task.path("statusMessage").asString()).isEqualTo("Failed: step build exited 1");
        JsonNode step = task.path("children").get(0);
        assertThat(step.path("spanId").asString()).isEqualTo(stored.step);
        assertThat(step.path("children").isEmpty()).isTrue();
        assertThat(attributes(step))
                .containsEntry("process.exit.code", "1:INT")
                .containsEntry("tekton.step.name", "build:STRING")
                .containsEntry("pipelinelens.retried", "false:BOOLEAN")
                .containsEntry("cpu.ratio", "0.5:DOUBLE");
        assertThat(run.path("children").get(0).path("status").asString()).isEqualTo("UNSET");
        assertThat(run.path("children").get(0).path("statusMessage").isNull()).isTrue();
    }

    @Test
    void findsTheSameTraceByItsPipelineRunAndByItsPullRequest() {
        StoredTrace older = storeTrace("acme/gadgets", "7", Instant.parse("2026-03-01T09:00:00Z"));
        StoredTrace newer = storeTrace("acme/gadgets", "7", Instant.parse("2026-03-01T11:00:00Z"));
        StoredTrace otherRepo = storeTrace("other/gadgets", "7", Instant.parse("2026-03-01T12:00:00Z"));

        assertThat(traceId("{ trace(pipelineRun: {namespace: \"jx\", name: \"" + older.runName + "\"}) { traceId } }"))
                .isEqualTo(older.traceId);
        assertThat(traceId("{ trace(pipelineRun: {namespace: \"jx\", name: \"" + newer.runName + "\"}) { traceId } }"))
                .isEqualTo(newer.traceId);
        // The newest trace of the pull request, whichever way the repository is named.
        for (String repository :
                List.of("acme/gadgets", "https://github.com/acme/gadgets", "https://github.com/ACME/gadgets.git/")) {
            assertThat(traceId("{ trace(pullRequest: {repository: \"" + repository + "\", number: 7}) { traceId } }"))
                    .as(repository)
                    .isEqualTo(newer.traceId);
        }
        assertThat(traceId("{ trace(pullRequest: {repository: \"other/gadgets\", number: 7}) { traceId } }"))
                .isEqualTo(otherRepo.traceId);

        JsonNode byRun = query("{ trace(pipelineRun: {namespace: \"jx\", name: \"" + newer.runName
                        + "\"}) { ...TraceFields } }")
                .path("data")
                .path("trace");
        assertThat(byRun.path("root").path("spanId").asString()).isEqualTo(newer.root);
        assertThat(byRun.path("spanCount").asInt()).isEqualTo(5);
    }

    @Test
    void answersNullForATraceThatIsNotStored() {
        storeTrace("acme/widgets", "42", Instant.parse("2026-03-01T10:00:00Z"));
        for (String selector : List.of(
                "gitEvent: \"" + UUID.randomUUID() + "\"",
                "pipelineRun: {namespace: \"jx\", name: \"no-such-run\"}",
                "pipelineRun: {namespace: \"elsewhere\", name: \"no-such-run\"}",
                "pullRequest: {repository: \"acme/widgets\", number: 43}",
                "pullRequest: {repository: \"acme/widgets-fork\", number: 42}")) {
            JsonNode response = query("{ trace(" + selector + ") { traceId } }");
            assertThat(response.path("errors").isMissingNode())
                    .as(response.toString())
                    .isTrue();
            assertThat(response.path("data").path("trace").isNull())
                    .as(selector + " → " + response)
                    .isTrue();
        }
    }

    @Test
    void rejectsAQueryWithNoSelectorOrWithSeveral() {
        JsonNode none = query("{ trace { traceId } }");
        assertThat(none.path("data").path("trace").isNull()).isTrue();
        assertThat(none.path("errors")).hasSize(1);
        assertThat(none.path("errors").get(0).path("message").asString())
                .isEqualTo("trace needs exactly one of gitEvent, pipelineRun or pullRequest; got none");
        assertThat(none.path("errors")
                        .get(0)
                        .path("extensions")
                        .path("classification")
                        .asString())
                .isEqualTo("BAD_REQUEST");
        assertThat(texts(none.path("errors").get(0).path("path"))).containsExactly("trace");

        JsonNode two = query("{ trace(gitEvent: \"x\", pipelineRun: {namespace: \"jx\", name: \"y\"}) { traceId } }");
        assertThat(two.path("data").path("trace").isNull()).isTrue();
        assertThat(two.path("errors").get(0).path("message").asString())
                .isEqualTo(
                        "trace needs exactly one of gitEvent, pipelineRun or pullRequest; got gitEvent and pipelineRun");
    }

    @Test
    void looksUpATraceTheApplicationAssembledFromAnObservedPipelineRun() {
        ObjectNode run = Observations.fixture("tekton/pipelinerun-v1-lighthouse-presubmit-timeout.yaml");
        JsonNode metadata = run.path("metadata");
        String namespace = metadata.path("namespace").asString();
        String name = metadata.path("name").asString();
        String guid = metadata.path("labels").path("event-GUID").asString();
        String pull = metadata.path("labels")
                .path("lighthouse.jenkins-x.io/refs.pull")
                .asString();
        String cloneUri = metadata.path("annotations")
                .path("lighthouse.jenkins-x.io/cloneURI")
                .asString();
        rabbit.send(infra.exchange, Observations.routingKey(run), Observations.applied(run));

        // Its LighthouseJob never comes: the run hangs under its git event, whose span closes the trace.
        String byRun =
                "{ trace(pipelineRun: {namespace: \"" + namespace + "\", name: \"" + name + "\"}) { ...TraceFields } }";
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    found[0] = query(byRun).path("data").path("trace");
                    assertThat(found[0].path("root").path("parentSpanId").isNull())
                            .as(found[0].toString())
                            .isTrue();
                    assertThat(found[0].path("root").path("children")).isNotEmpty();
                });
        JsonNode trace = found[0];
        JsonNode runSpan = trace.path("root").path("children").get(0);
        assertThat(runSpan.path("name").asString()).startsWith("RUN ");
        assertThat(attributes(runSpan))
                .containsEntry("tekton.pipelinerun.name", name + ":STRING")
                .containsEntry("cicd.pipeline.result", "timeout:STRING");
        String traceId = trace.path("traceId").asString();
        assertThat(trace.path("url").asString()).isEqualTo("https://tempo.test/explore?trace=" + traceId + "&v=1");

        assertThat(traceId("{ trace(gitEvent: \"" + guid + "\") { traceId } }")).isEqualTo(traceId);
        assertThat(traceId(
                        "{ trace(pullRequest: {repository: \"" + cloneUri + "\", number: " + pull + "}) { traceId } }"))
                .isEqualTo(traceId);
        assertThat(traceId("{ trace(pullRequest: {repository: \"jenkins-x/jx\", number: " + pull + "}) { traceId } }"))
                .isEqualTo(traceId);
    }

    /** A git event → PipelineRun → (pending, TaskRun → step) trace, as the tracing module stores one. */
    private StoredTrace storeTrace(String repository, String pull, Instant start) {
        String guid = UUID.randomUUID().toString();
        String rootKey = "git-event:" + guid;
        String traceId = sha256Prefix("trace:" + rootKey, 16);
        String runUid = UUID.randomUUID().toString();
        String runName = "run-" + runUid.substring(0, 8);
        StoredTrace t = new StoredTrace(
                guid,
                traceId,
                runName,
                sha256Prefix("span:" + rootKey, 8),
                sha256Prefix("span:" + runUid, 8),
                sha256Prefix("span:" + runUid + "/pending", 8),
                sha256Prefix("span:task-" + runUid, 8),
                sha256Prefix("span:task-" + runUid + "/step/build", 8));
        db.insertInto(TRACE_NODES)
                .set(TRACE_NODES.UID, rootKey)
                .set(TRACE_NODES.KIND, "GitEvent")
                .set(TRACE_NODES.NAME, guid)
                .set(TRACE_NODES.STATE, "root")
                .set(TRACE_NODES.TRACE_ID, traceId)
                .set(TRACE_NODES.SPAN_ID, t.root)
                .set(TRACE_NODES.RECORDED, true)
                .execute();
        db.insertInto(TRACE_NODES)
                .set(TRACE_NODES.UID, runUid)
                .set(TRACE_NODES.KIND, "PipelineRun")
                .set(TRACE_NODES.NAMESPACE, "jx")
                .set(TRACE_NODES.NAME, runName)
                .set(TRACE_NODES.STATE, "attached")
                .set(TRACE_NODES.TRACE_ID, traceId)
                .set(TRACE_NODES.SPAN_ID, t.run)
                .set(TRACE_NODES.PARENT_UID, rootKey)
                .set(TRACE_NODES.PARENT_SPAN_ID, t.root)
                .set(TRACE_NODES.TERMINAL, true)
                .set(TRACE_NODES.RECORDED, true)
                .execute();
        Map<String, Object> gitEvent = new LinkedHashMap<>();
        gitEvent.put("vcs.repository.name", repository);
        gitEvent.put("vcs.repository.url.full", "https://github.com/" + repository + ".git");
        gitEvent.put("vcs.change.id", pull);
        Map<String, Object> runAttributes = new LinkedHashMap<>();
        runAttributes.put("tekton.pipelinerun.name", runName);
        runAttributes.put("vcs.repository.url.full", "https://github.com/" + repository + ".git");
        runAttributes.put("vcs.change.id", pull);
        Map<String, Object> stepAttributes = new LinkedHashMap<>();
        stepAttributes.put("tekton.step.name", "build");
        stepAttributes.put("process.exit.code", 1);
        stepAttributes.put("pipelinelens.retried", false);
        stepAttributes.put("cpu.ratio", 0.5);
        span(
                traceId,
                t.root,
                null,
                "github pull_request",
                start,
                start.plusSeconds(300).plusNanos(250),
                gitEvent,
                "UNSET",
                null);
        span(
                traceId,
                t.run,
                t.root,
                "RUN " + repository + "/pr",
                start.plusSeconds(10),
                start.plusSeconds(290),
                runAttributes,
                "ERROR",
                "Failed");
        span(
                traceId,
                t.pending,
                t.run,
                "pending",
                start.plusSeconds(11),
                start.plusSeconds(12),
                Map.of(),
                "UNSET",
                null);
        span(
                traceId,
                t.task,
                t.run,
                "TASK build",
                start.plusSeconds(20),
                start.plusSeconds(280),
                Map.of(),
                "ERROR",
                "Failed: step build exited 1");
        span(
                traceId,
                t.step,
                t.task,
                "STEP build",
                start.plusSeconds(30),
                start.plusSeconds(270),
                stepAttributes,
                "ERROR",
                "exit code 1");
        return t;
    }

    private void span(
            String traceId,
            String spanId,
            String parent,
            String name,
            Instant start,
            Instant end,
            Map<String, Object> attributes,
            String status,
            String message) {
        db.insertInto(SPANS)
                .set(SPANS.SPAN_ID, spanId)
                .set(SPANS.TRACE_ID, traceId)
                .set(SPANS.PARENT_SPAN_ID, parent)
                .set(SPANS.NAME, name)
                .set(SPANS.KIND, "INTERNAL")
                .set(SPANS.START_EPOCH_NANOS, nanos(start))
                .set(SPANS.END_EPOCH_NANOS, nanos(end))
                .set(SPANS.ATTRIBUTES, JSONB.valueOf(json.writeValueAsString(attributes)))
                .set(SPANS.STATUS_CODE, status)
                .set(SPANS.STATUS_MESSAGE, message)
                .execute();
    }

    private JsonNode query(String document) {
        String body = json.writeValueAsString(Map.of("query", document + "\n" + withFragments(document)));
        String response = http.post()
                .uri("/graphql")
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_GRAPHQL_RESPONSE)
                .body(body)
                .retrieve()
                .body(String.class);
        return json.readTree(response);
    }

    /** GraphQL rejects unused fragments: send them only with a query that spreads them. */
    private static String withFragments(String document) {
        return document.contains("...TraceFields") ? TRACE_FIELDS : "";
    }

    private String traceId(String document) {
        JsonNode response = query(document);
        assertThat(response.path("errors").isMissingNode())
                .as(response.toString())
                .isTrue();
        return response.path("data").path("trace").path("traceId").asString(null);
    }

    private static Map<String, String> attributes(JsonNode span) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (JsonNode a : span.path("attributes")) {
            attributes.put(
                    a.path("key").asString(),
                    a.path("value").asString() + ":" + a.path("type").asString());
        }
        return attributes;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.path(field).asString()));
        return texts;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asString()));
        return texts;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static String sha256Prefix(String text, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record StoredTrace(
            String guid,
            String traceId,
            String runName,
            String root,
            String run,
            String pending,
            String task,
            String step) {}
}
