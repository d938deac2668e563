package io.pipelinelens.sensemaker.tracing;

import static io.pipelinelens.sensemaker.db.Tables.SPANS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerApplication;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.testing.OtlpReceiver;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jooq.Record2;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.context.EmbeddedKafka;
import tools.jackson.databind.node.ObjectNode;

/**
 * A span counts as exported only once the collector accepted it: while the collector refuses, the
 * span waits in PostgreSQL, across a restart of the application too, and it arrives exactly once
 * when the collector is back.
 */
@EmbeddedKafka(partitions = 1)
class SpanExportIT {

    private static final String RUN = "tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private SensemakerInfrastructure infra;
    private final Map<String, Supplier<Object>> properties = new LinkedHashMap<>();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @BeforeEach
    void infrastructure() {
        infra = SensemakerInfrastructure.create("spanexport", (name, value) -> properties.put(name, value::get));
        // Its runs have no job: they are traced once they gave up waiting for one.
        properties.put(
                "pipelinelens.sensemaker.tracing.pending-timeout",
                () -> SensemakerInfrastructure.PENDING_TIMEOUT_FOR_GIVE_UP_TESTS);
    }

    @AfterEach
    void cleanUp() {
        contexts.forEach(ConfigurableApplicationContext::close);
        infra.close();
    }

    @Test
    void keepsASpanTheCollectorRefusedAndExportsItOnceTheCollectorIsBack() {
        infra.otlp.refuse(503);
        ConfigurableApplicationContext app = start();
        String runUid = publishFinishedRun(app);

        List<String> waiting = awaitSpansWaitingForExport(runUid);
        assertThat(infra.otlp.spans()).isEmpty();

        infra.otlp.accept();
        awaitExported(runUid, waiting);
    }

    @Test
    void aSpanTheCollectorRefusesForGoodIsSetAsideWithTheReasonAndTheRestGoOn() {
        ConfigurableApplicationContext app = start();
        String poisoned = UUID.randomUUID().toString();
        // The collector can never take a request that holds this run's RUN span (say, too large).
        infra.otlp.refuseRequestsWith(
                span -> span.getName().startsWith("RUN ") && poisoned.equals(attribute(span, "cicd.pipeline.run.id")),
                400);
        // A run Tekton recorded a startTime for: pending and running phases besides the RUN span.
        publishFinishedRun(app, poisoned, "tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml");
        String healthy = publishFinishedRun(app);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(exportedAt(healthy)).isNotEmpty().allMatch(r -> r.value2() != null, "exported");
            assertThat(refusedReasons(poisoned)).singleElement().asString().startsWith("HTTP 400");
        });
        // Every other span of the refused run went out; the refused one is not tried again.
        List<String> others = exportedAt(poisoned).stream()
                .filter(r -> r.value2() != null)
                .map(Record2::value1)
                .toList();
        assertThat(others).isNotEmpty().hasSize(exportedAt(poisoned).size() - 1);
        assertThat(received(poisoned)).containsExactlyInAnyOrderElementsOf(others);
        // Other spans may still go out; the refused one is never sent again.
        int refusals = infra.otlp.poisonedRequests();
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(infra.otlp.poisonedRequests())
                .as("no retry of a refusal for good")
                .isEqualTo(refusals);
    }

    @Test
    void aRestartLosesNoSpanThatWasWaitingForTheCollector() {
        infra.otlp.refuse(503);
        ConfigurableApplicationContext first = start();
        String runUid = publishFinishedRun(first);
        List<String> waiting = awaitSpansWaitingForExport(runUid);
        first.close();

        assertThat(exportedAt(runUid)).as("nothing was marked exported").allMatch(r -> r.value2() == null);
        assertThat(infra.otlp.spans()).isEmpty();
        infra.otlp.accept();
        start();
        awaitExported(runUid, waiting);
    }

    @Test
    void exportsOverGrpcWhenConfiguredSo() {
        try (GrpcOtlpReceiver grpc = GrpcOtlpReceiver.start()) {
            properties.put("otel.exporter.otlp.protocol", () -> "grpc");
            properties.put("otel.exporter.otlp.endpoint", grpc::endpoint);
            ConfigurableApplicationContext app = start();
            String runUid = publishFinishedRun(app);

            await().atMost(WAIT)
                    .untilAsserted(() ->
                            assertThat(exportedAt(runUid)).isNotEmpty().allMatch(r -> r.value2() != null, "exported"));
            List<String> stored =
                    exportedAt(runUid).stream().map(Record2::value1).toList();
            List<String> received = grpc.spans().stream()
                    .filter(s -> runUid.equals(attribute(s, "cicd.pipeline.run.id")))
                    .map(s -> HexFormat.of().formatHex(s.getSpanId().toByteArray()))
                    .toList();
            assertThat(received).containsExactlyInAnyOrderElementsOf(stored);
            assertThat(infra.otlp.requests()).as("nothing went over OTLP/HTTP").isZero();
            app.close();
        }
    }

    private ConfigurableApplicationContext start() {
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value.get()));
        args.add("--server.port=0");
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(SensemakerApplication.class).run(args.toArray(String[]::new));
        contexts.add(context);
        return context;
    }

    /** Publishes a finished run under a fresh uid and returns the uid. */
    private String publishFinishedRun(ConfigurableApplicationContext app) {
        return publishFinishedRun(app, UUID.randomUUID().toString(), RUN);
    }

    private String publishFinishedRun(ConfigurableApplicationContext app, String uid, String fixture) {
        ObjectNode run = Observations.fixture(fixture);
        ((ObjectNode) run.path("metadata")).put("uid", uid).put("name", "run-" + uid);
        app.getBean(RabbitTemplate.class).send(infra.exchange, Observations.routingKey(run), Observations.applied(run));
        return uid;
    }

    /** Waits until the run's spans are stored and the collector refused them at least once. */
    private List<String> awaitSpansWaitingForExport(String runUid) {
        int before = infra.otlp.requests();
        // Once its node is recorded, every span of the run is stored (one transaction).
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(recorded(runUid)).as("the run's node recorded").isTrue();
            assertThat(exportedAt(runUid)).isNotEmpty();
            assertThat(infra.otlp.requests()).as("export attempts").isGreaterThan(before);
        });
        List<Record2<String, java.time.OffsetDateTime>> rows = exportedAt(runUid);
        assertThat(rows).allMatch(r -> r.value2() == null, "not exported");
        return rows.stream().map(Record2::value1).toList();
    }

    /**
     * Waits until the collector has every span of the run once and the database says they are
     * exported: those that waited, and any the run got since.
     */
    private void awaitExported(String runUid, List<String> waited) {
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(exportedAt(runUid))
                        .extracting(Record2::value1)
                        .containsAll(waited));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(exportedAt(runUid)).allMatch(r -> r.value2() != null, "exported"));
        List<String> spanIds = exportedAt(runUid).stream().map(Record2::value1).toList();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(received(runUid)).containsExactlyInAnyOrderElementsOf(spanIds));
        // One more poll of the export job must not send them again.
        int requests = infra.otlp.requests();
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(received(runUid)).as("each span arrives exactly once").containsExactlyInAnyOrderElementsOf(spanIds);
        assertThat(infra.otlp.requests()).isEqualTo(requests);
    }

    private List<String> received(String runUid) {
        return infra.otlp.spans().stream()
                .map(OtlpReceiver.ReceivedSpan::span)
                .filter(s -> runUid.equals(attribute(s, "cicd.pipeline.run.id")))
                .map(s -> HexFormat.of().formatHex(s.getSpanId().toByteArray()))
                .toList();
    }

    private static String attribute(Span span, String key) {
        return span.getAttributesList().stream()
                .filter(kv -> kv.getKey().equals(key))
                .map(KeyValue::getValue)
                .map(v -> v.getStringValue())
                .findFirst()
                .orElse(null);
    }

    private List<String> refusedReasons(String runUid) {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES)
                    .select(SPANS.REFUSED_REASON)
                    .from(SPANS)
                    .where(DSL.condition("{0} ->> 'cicd.pipeline.run.id' = {1}", SPANS.ATTRIBUTES, DSL.val(runUid)))
                    .and(SPANS.REFUSED_AT.isNotNull())
                    .fetch(SPANS.REFUSED_REASON);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The run's stored spans: span id and when it was exported (null while waiting). */
    private boolean recorded(String runUid) throws java.sql.SQLException {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES)
                    .fetchExists(DSL.selectOne()
                            .from(DSL.table("trace_nodes"))
                            .where(DSL.field("uid").eq(runUid))
                            .and(DSL.field("recorded", Boolean.class).isTrue()));
        }
    }

    private List<Record2<String, java.time.OffsetDateTime>> exportedAt(String runUid) {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES)
                    .select(SPANS.SPAN_ID, SPANS.EXPORTED_AT)
                    .from(SPANS)
                    .where(DSL.condition("{0} ->> 'cicd.pipeline.run.id' = {1}", SPANS.ATTRIBUTES, DSL.val(runUid)))
                    .fetch();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
