package io.pipelinelens.sensemaker.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.testing.OtlpReceiver.ReceivedSpan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A finished PipelineRun travels through the real RabbitMQ, PostgreSQL, OTLP/HTTP and Kafka: its
 * span carries the run's own times, and its status event names the run and its outcome.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PipelineRunTracingIT {

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("tracing", registry);
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

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    EmbeddedKafkaBroker kafka;

    @Autowired
    Runs runs;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void exportsTheSpanOfASucceededRunWithItsOwnTimesAndPublishesItsOutcome() {
        ObjectNode run = Observations.fixture("tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml");
        String uid = run.path("metadata").path("uid").asString();
        publish(run);

        Span span = awaitSpan(uid);
        assertThat(span.getName()).isEqualTo("RUN jstrachan/nodey532/release");
        assertThat(Instant.ofEpochSecond(0, span.getStartTimeUnixNano()))
                .isEqualTo(Instant.parse("2020-10-07T03:23:19Z"));
        assertThat(Instant.ofEpochSecond(0, span.getEndTimeUnixNano()))
                .isEqualTo(Instant.parse("2020-10-07T03:25:07Z"));
        String guid = run.path("metadata").path("labels").path("event-GUID").asString();
        assertThat(hex(span.getTraceId().toByteArray())).isEqualTo(sha256Prefix("trace:git-event:" + guid, 16));
        assertThat(hex(span.getSpanId().toByteArray())).isEqualTo(sha256Prefix("span:" + uid, 8));
        // Its LighthouseJob never arrives: after the pending timeout it hangs under its git event.
        assertThat(hex(span.getParentSpanId().toByteArray())).isEqualTo(sha256Prefix("span:git-event:" + guid, 8));
        assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
        Map<String, String> attributes = attributes(span);
        assertThat(attributes)
                .containsEntry("cicd.pipeline.name", "jstrachan/nodey532/release")
                .containsEntry("cicd.pipeline.run.id", uid)
                .containsEntry("cicd.pipeline.result", "success")
                .containsEntry(
                        "k8s.namespace.name",
                        run.path("metadata").path("namespace").asString())
                .containsEntry(
                        "vcs.ref.head.revision",
                        run.path("metadata")
                                .path("labels")
                                .path("lighthouse.jenkins-x.io/lastCommitSHA")
                                .asString())
                .doesNotContainKey("pipelinelens.timing.fallback");

        ConsumerRecord<String, byte[]> status = awaitStatus(uid);
        assertThat(status.key()).isEqualTo("jx/jstrachan/nodey532/release");
        CloudEvent event = EventFormatProvider.getInstance()
                .resolveFormat(JsonFormat.CONTENT_TYPE)
                .deserialize(status.value());
        assertThat(event.getType()).isEqualTo(EventType.PIPELINERUN_FINISHED.type());
        assertThat(event.getId()).isEqualTo(uid + "/" + EventType.PIPELINERUN_FINISHED.type());
        JsonNode cdevent = json.readTree(event.getData().toBytes());
        assertThat(cdevent.path("subject").path("content").path("outcome").asString())
                .isEqualTo("success");
        assertThat(cdevent.path("customData").path("pipelineRun").asString())
                .isEqualTo(run.path("metadata").path("name").asString());
        assertThat(cdevent.path("customData").path("traceId").asString())
                .isEqualTo(hex(span.getTraceId().toByteArray()));

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(runs.recent(10))
                        .filteredOn(r -> r.uid().equals(uid))
                        .singleElement()
                        .satisfies(r -> assertThat(r.exported()).isTrue()));
    }

    @Test
    void marksAFailedRunAsErrorWithTektonsReason() {
        ObjectNode run = Observations.fixture("tekton/pipelinerun-v1-lighthouse-failed.yaml");
        String uid = run.path("metadata").path("uid").asString();
        publish(run);

        Span span = awaitSpan(uid);
        assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(span.getStatus().getMessage()).startsWith("Failed: TaskRun").endsWith("has failed");
        assertThat(attributes(span)).containsEntry("cicd.pipeline.result", "failure");
        assertThat(Instant.ofEpochSecond(0, span.getStartTimeUnixNano()))
                .isEqualTo(Instant.parse("2020-07-20T18:50:22Z"));
    }

    @Test
    void startsARunWhenItWasCreatedEvenWhenTektonRecordedNoStartTime() {
        ObjectNode run = Observations.fixture("tekton/pipelinerun-v1-lighthouse-presubmit-timeout.yaml");
        String uid = run.path("metadata").path("uid").asString();
        publish(run);

        Span span = awaitSpan(uid);
        assertThat(Instant.ofEpochSecond(0, span.getStartTimeUnixNano()))
                .isEqualTo(Instant.parse(
                        run.path("metadata").path("creationTimestamp").asString()));
        // The creation time is the run's own start (DESIGN §4), not a stand-in: nothing to mark.
        assertThat(attributes(span))
                .doesNotContainKey("pipelinelens.timing.fallback")
                .containsEntry("cicd.pipeline.result", "timeout");
        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    }

    @Test
    void exportsNothingForARunThatIsStillRunning() throws Exception {
        ObjectNode finished = Observations.fixture("tekton/pipelinerun-v1-lighthouse-presubmit-cancelled.yaml");
        ObjectNode running = finished.deepCopy();
        ((ObjectNode) running.path("metadata"))
                .put("uid", "running-" + finished.path("metadata").path("uid").asString());
        ObjectNode condition =
                (ObjectNode) running.path("status").path("conditions").get(0);
        condition.put("status", "Unknown").put("reason", "Running");
        running.withObject("status").remove("completionTime");
        publish(running);
        publish(finished);

        awaitSpan(finished.path("metadata").path("uid").asString());
        assertThat(infra.otlp.spans())
                .extracting(s -> attributes(s.span()).get("cicd.pipeline.run.id"))
                .doesNotContain(running.path("metadata").path("uid").asString());
    }

    @Test
    void endsTheRunningPhaseOfARunDeletedBeforeItFinishedWhereTheRunsSpanEnds() {
        ObjectNode run = Observations.fixture("tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml");
        ObjectNode metadata = run.withObject("metadata");
        // A uid of its own: the other tests find their run's status event by the fixture's uid.
        String uid = UUID.randomUUID().toString();
        metadata.put("uid", uid).put("name", metadata.path("name").asString() + "-deleted");
        ObjectNode status = run.withObject("status");
        status.remove("completionTime");
        ((ObjectNode) status.path("conditions").get(0)).put("status", "Unknown").put("reason", "Running");
        // Deleted while running: Tekton never completed it, so the deletion's time ends it.
        OffsetDateTime deletedAt = OffsetDateTime.parse("2020-10-07T03:24:00Z");
        rabbit.send(
                infra.exchange,
                Observations.routingKey(run),
                Observations.message(ResourceEvents.Action.DELETED, run, deletedAt));

        Span span = awaitSpan(uid);
        assertThat(attributes(span))
                .containsEntry("cicd.pipeline.result", "cancellation")
                .containsEntry("pipelinelens.timing.fallback", "end=observed");
        Span running = awaitSpan("running", uid);
        assertThat(running.getParentSpanId()).isEqualTo(span.getSpanId());
        assertThat(hex(running.getSpanId().toByteArray())).isEqualTo(sha256Prefix("span:" + uid + "/running", 8));
        assertThat(Instant.ofEpochSecond(0, running.getStartTimeUnixNano()))
                .isEqualTo(Instant.parse("2020-10-07T03:23:19Z"));
        assertThat(Instant.ofEpochSecond(0, running.getEndTimeUnixNano()))
                .isEqualTo(deletedAt.toInstant())
                .isEqualTo(Instant.ofEpochSecond(0, span.getEndTimeUnixNano()));
        assertThat(attributes(running))
                .containsEntry("cicd.pipeline.run.id", uid)
                .containsEntry("pipelinelens.timing.fallback", "end=run");
    }

    private void publish(JsonNode object) {
        rabbit.send(infra.exchange, Observations.routingKey(object), Observations.applied(object));
    }

    private Span awaitSpan(String runUid) {
        return awaitSpan("RUN ", runUid);
    }

    /** The one span of the run whose name starts so: the run's own ({@code RUN }), or a phase. */
    private Span awaitSpan(String name, String runUid) {
        List<Span> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            found.clear();
            for (ReceivedSpan s : infra.otlp.spans()) {
                if (s.span().getName().startsWith(name)
                        && runUid.equals(attributes(s.span()).get("cicd.pipeline.run.id"))) {
                    found.add(s.span());
                }
            }
            assertThat(found).isNotEmpty();
        });
        assertThat(found).as("a span is exported once").hasSize(1);
        return found.getFirst();
    }

    private ConsumerRecord<String, byte[]> awaitStatus(String runUid) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(kafka, "tracing-it", false);
        props.put("auto.offset.reset", "earliest");
        try (Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(
                        props, new StringDeserializer(), new ByteArrayDeserializer())
                .createConsumer()) {
            consumer.subscribe(List.of(infra.topic));
            List<ConsumerRecord<String, byte[]>> matching = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (matching.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (new String(r.value(), StandardCharsets.UTF_8).contains(runUid)) {
                        matching.add(r);
                    }
                }
            }
            assertThat(matching).as("status event of " + runUid).hasSize(1);
            return matching.getFirst();
        }
    }

    static Map<String, String> attributes(Span span) {
        return span.getAttributesList().stream()
                .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
    }

    static String sha256Prefix(String text, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
