package io.pipelinelens.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.StatusEvents;
import io.pipelinelens.notifier.intake.KafkaDeadLetters;
import io.pipelinelens.testing.Fixtures;
import io.pipelinelens.testing.HttpSink;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

@SpringBootTest(
        classes = NotifierApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pipelinelens.notifier.retry.max-attempts=4",
            "pipelinelens.notifier.retry.initial-backoff=300ms",
            "pipelinelens.notifier.retry.max-backoff=2s",
            "pipelinelens.notifier.http.read-timeout=3s",
            "management.endpoint.health.show-components=always",
            "logging.level.org.apache.kafka=WARN",
            "logging.level.kafka=WARN"
        })
@EmbeddedKafka(
        partitions = 1,
        topics = {NotifierIT.TOPIC, NotifierIT.DLT},
        bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class NotifierIT {

    static final String TOPIC = "pipeline-lens.status";
    static final String DLT = "pipeline-lens.status.dlt";
    static final String NAMESPACE = "jx";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    // Each webhook asks for different types, so that every test can aim at one of them.
    static final HttpSink everything = HttpSink.start(); // types: (all)
    static final HttpSink finishedRuns = HttpSink.start(); // pipelinerun.finished
    static final HttpSink flaky = HttpSink.start(); // taskrun.finished
    static final HttpSink rejecting = HttpSink.start(); // artifact.published

    @DynamicPropertySource
    static void webhooks(DynamicPropertyRegistry registry) {
        webhook(registry, 0, "everything", everything, "secret-everything", "");
        webhook(registry, 1, "finished-runs", finishedRuns, "secret-finished", EventType.PIPELINERUN_FINISHED.type());
        webhook(registry, 2, "flaky", flaky, "secret-flaky", EventType.TASKRUN_FINISHED.type());
        webhook(registry, 3, "rejecting", rejecting, "secret-rejecting", EventType.ARTIFACT_PUBLISHED.type());
    }

    private static void webhook(
            DynamicPropertyRegistry registry, int i, String name, HttpSink sink, String secret, String types) {
        String prefix = "pipelinelens.notifier.webhooks[" + i + "].";
        registry.add(prefix + "name", () -> name);
        registry.add(prefix + "url", () -> sink.url("/hooks/" + name));
        registry.add(prefix + "secret", () -> secret);
        if (!types.isEmpty()) {
            registry.add(prefix + "types", () -> types);
        }
    }

    @AfterAll
    static void stopSinks() {
        List.of(everything, finishedRuns, flaky, rejecting).forEach(HttpSink::close);
    }

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    private Producer<String, byte[]> producer;

    @BeforeEach
    void openProducer() {
        Map<String, Object> config = KafkaTestUtils.producerProps(broker);
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        flaky.respondWith(200);
        rejecting.respondWith(400);
    }

    @AfterEach
    void closeProducer() {
        producer.close();
    }

    @Test
    void deliversAFinishedPipelineRunOnceWithAVerifiableSignature() throws Exception {
        String run = "build-" + UUID.randomUUID();
        CloudEvent event = pipelineRunFinished(run, "failure");

        publish(key(run), event);

        HttpSink.Request request = awaitDelivery(finishedRuns, event.getId() + "/finished-runs");
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks/finished-runs");
        assertThat(request.header("Content-Type")).startsWith("application/cloudevents+json");
        assertThat(request.header("X-Pipeline-Lens-Event-Type")).isEqualTo(EventType.PIPELINERUN_FINISHED.type());
        assertThat(request.header("X-Pipeline-Lens-Signature")).isEqualTo(hmac("secret-finished", request.body()));

        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("specversion").asString()).isEqualTo("1.0");
        assertThat(body.get("id").asString()).isEqualTo(event.getId());
        assertThat(body.get("type").asString()).isEqualTo(EventType.PIPELINERUN_FINISHED.type());
        assertThat(body.get("subject").asString()).isEqualTo(NAMESPACE + "/" + run);
        assertThat(body.at("/data/subject/id").asString()).isEqualTo(NAMESPACE + "/" + run);
        assertThat(body.at("/data/subject/content/outcome").asString()).isEqualTo("failure");
        assertThat(body.at("/data/customData/pipelineRun").asString()).isEqualTo(run);
        assertThat(body.at("/data/customData/result").asString()).isEqualTo("failure");

        // The catch-all webhook gets it too, signed with its own secret.
        HttpSink.Request other = awaitDelivery(everything, event.getId() + "/everything");
        assertThat(other.header("X-Pipeline-Lens-Signature")).isEqualTo(hmac("secret-everything", other.body()));
        assertThat(other.header("X-Pipeline-Lens-Signature")).isNotEqualTo(hmac("secret-finished", other.body()));
    }

    @Test
    void deliversADuplicateRecordOnce() throws Exception {
        String run = "build-" + UUID.randomUUID();
        CloudEvent event = pipelineRunFinished(run, "success");
        CloudEvent after = pipelineRunFinished("build-" + UUID.randomUUID(), "success");

        publish(key(run), event);
        publish(key(run), event);
        publish(key(run), after); // same partition, so once this is delivered both copies were consumed

        awaitDelivery(finishedRuns, after.getId() + "/finished-runs");
        awaitDelivery(everything, after.getId() + "/everything");
        assertThat(deliveries(finishedRuns, event.getId() + "/finished-runs")).hasSize(1);
        assertThat(deliveries(everything, event.getId() + "/everything")).hasSize(1);
        assertThat(counter("pipelinelens.notifier.deliveries", "channel", "finished-runs", "outcome", "duplicate"))
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void deadLettersMalformedRecordsAndKeepsConsuming() throws Exception {
        String marker = UUID.randomUUID().toString();
        String notJsonKey = "not-json-" + marker;
        String noSourceKey = "no-source-" + marker;
        String unknownTypeKey = "unknown-type-" + marker;
        String run = "build-" + marker;
        CloudEvent valid = pipelineRunFinished(run, "success");

        publishRaw(notJsonKey, "{\"specversion\": \"1.0\", oops".getBytes(StandardCharsets.UTF_8));
        publishRaw(
                noSourceKey,
                ("{\"specversion\":\"1.0\",\"id\":\"" + marker + "\",\"type\":\""
                                + EventType.PIPELINERUN_FINISHED.type() + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        publishRaw(
                unknownTypeKey,
                ("{\"specversion\":\"1.0\",\"id\":\"" + marker
                                + "\",\"source\":\"/sensemaker/it\",\"type\":\"com.example.nope.v1\"}")
                        .getBytes(StandardCharsets.UTF_8));
        publish(key(run), valid);

        HttpSink.Request delivered = awaitDelivery(everything, valid.getId() + "/everything");
        assertThat(JSON.readTree(delivered.body()).get("id").asString()).isEqualTo(valid.getId());

        for (String key : List.of(notJsonKey, noSourceKey, unknownTypeKey)) {
            ConsumerRecord<byte[], byte[]> dead = awaitDeadLetter(r -> key.equals(keyOf(r)));
            assertThat(header(dead, KafkaDeadLetters.KIND_HEADER)).isEqualTo("invalid-event");
            assertThat(header(dead, KafkaDeadLetters.REASON_HEADER)).isNotBlank();
            assertThat(header(dead, "kafka_dlt-original-topic")).isEqualTo(TOPIC);
        }
        assertThat(header(awaitDeadLetter(r -> unknownTypeKey.equals(keyOf(r))), KafkaDeadLetters.REASON_HEADER))
                .contains("com.example.nope.v1");
        assertThat(header(awaitDeadLetter(r -> notJsonKey.equals(keyOf(r))), KafkaDeadLetters.REASON_HEADER))
                .startsWith("not a structured-mode CloudEvent");
        assertThat(counter("pipelinelens.notifier.dead.letters", "kind", "invalid-event"))
                .isGreaterThanOrEqualTo(3.0);
    }

    @Test
    void retriesAServiceUnavailableReceiverAndDelivers() throws Exception {
        String run = "build-" + UUID.randomUUID();
        CloudEvent event = statusEvent(run, EventType.TASKRUN_FINISHED, "success");
        String deliveryId = event.getId() + "/flaky";
        flaky.respondWith(503);

        publish(key(run), event);
        awaitDelivery(flaky, deliveryId);
        flaky.respondWith(200);

        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() ->
                        counter("pipelinelens.notifier.deliveries", "channel", "flaky", "outcome", "delivered") >= 1.0);
        List<HttpSink.Request> attempts = deliveries(flaky, deliveryId);
        assertThat(attempts).hasSizeBetween(2, 4);
        // Every attempt carries the same body and delivery id, so a receiver can dedupe.
        assertThat(attempts)
                .extracting(HttpSink.Request::bodyText)
                .containsOnly(attempts.getFirst().bodyText());
        assertThat(counter("pipelinelens.notifier.deliveries", "channel", "flaky", "outcome", "dead_lettered"))
                .isZero();
    }

    @Test
    void deadLettersAfterABadRequestWithoutRetrying() throws Exception {
        String run = "build-" + UUID.randomUUID();
        CloudEvent event = statusEvent(run, EventType.ARTIFACT_PUBLISHED, null);

        publish(key(run), event);

        ConsumerRecord<byte[], byte[]> dead = awaitDeadLetter(r -> key(run).equals(keyOf(r)));
        assertThat(header(dead, KafkaDeadLetters.KIND_HEADER)).isEqualTo("delivery-failed");
        assertThat(header(dead, KafkaDeadLetters.CHANNELS_HEADER)).isEqualTo("rejecting");
        assertThat(header(dead, KafkaDeadLetters.REASON_HEADER))
                .contains("channel 'rejecting' after 1 attempt(s): HTTP 400");
        assertThat(JSON.readTree(dead.value()).get("id").asString()).isEqualTo(event.getId());
        // The dead letter is written after the last attempt, so this count is final.
        assertThat(deliveries(rejecting, event.getId() + "/rejecting")).hasSize(1);
        // The other channel that wanted it still got it.
        awaitDelivery(everything, event.getId() + "/everything");
    }

    @Test
    void deliversOnlyTheTypesAWebhookAsksFor() throws Exception {
        String run = "build-" + UUID.randomUUID();
        CloudEvent started = statusEvent(run, EventType.TASKRUN_STARTED, null);
        CloudEvent finished = pipelineRunFinished(run, "success");

        publish(key(run), started);
        publish(key(run), finished);

        awaitDelivery(everything, started.getId() + "/everything");
        awaitDelivery(finishedRuns, finished.getId() + "/finished-runs");
        assertThat(finishedRuns.requests())
                .extracting(r -> r.header("X-Pipeline-Lens-Event-Type"))
                .containsOnly(EventType.PIPELINERUN_FINISHED.type());
        assertThat(flaky.requests()).noneMatch(r -> r.bodyText().contains(run));
    }

    @Test
    void reportsTheStatusConsumerInHealth() {
        String health = RestClient.create("http://127.0.0.1:" + port)
                .get()
                .uri("/actuator/health")
                .retrieve()
                .body(String.class);

        assertThat(JSON.readTree(health).at("/components/statusListener/status").asString())
                .isEqualTo("UP");
    }

    // --- events as the sensemaker builds them (docs/events.md) ---

    private static CloudEvent pipelineRunFinished(String run, String result) {
        return statusEvent(run, EventType.PIPELINERUN_FINISHED, result);
    }

    private static CloudEvent statusEvent(String run, EventType type, String result) {
        String uid = UUID.randomUUID().toString();
        String id = StatusEvents.id(uid, type);
        String source = StatusEvents.source("it");
        String subject = NAMESPACE + "/" + run;

        // The fixture's shape, with the identity and content the sensemaker fills in.
        ObjectNode cdevent = (ObjectNode) Fixtures.tree("cdevents/pipelinerun-finished-v0.5.1.json");
        ObjectNode context = (ObjectNode) cdevent.get("context");
        context.put("id", id).put("source", source).put("type", type.type());
        context.remove(List.of("chainId", "schemaUri", "links"));
        ObjectNode subjectNode = (ObjectNode) cdevent.get("subject");
        subjectNode.put("id", subject).put("source", source);
        ObjectNode content = (ObjectNode) subjectNode.get("content");
        content.put("pipelineName", "pullrequest").put("uri", "https://dashboard.example.com/runs/" + uid);
        if (result != null) {
            content.put("outcome", result).put("errors", "failure".equals(result) ? "step-build exited with 2" : "");
        } else {
            content.remove(List.of("outcome", "errors"));
        }
        ObjectNode custom = cdevent.putObject("customData");
        custom.put("namespace", NAMESPACE)
                .put("pipelineRun", run)
                .put("runUid", uid)
                .put("startTime", "2026-11-22T10:00:00Z")
                .put("completionTime", "2026-11-22T10:04:10Z")
                .put("durationMs", 250_000)
                .put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .put("repository", "https://github.com/example/app")
                .put("branch", "PR-7")
                .put("revision", "a1b2c3d");
        if (result != null) {
            custom.put("result", result);
        }
        cdevent.put("customDataContentType", "application/json");

        return CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create(source))
                .withType(type.type())
                .withSubject(subject)
                .withTime(OffsetDateTime.parse("2026-11-22T10:04:11Z"))
                .withDataContentType("application/json")
                .withData(JSON.writeValueAsBytes(cdevent))
                .build();
    }

    private static String key(String run) {
        return StatusEvents.key(NAMESPACE, run);
    }

    // --- Kafka and HTTP plumbing ---

    private void publish(String key, CloudEvent event) throws Exception {
        publishRaw(key, new JsonFormat().serialize(event));
    }

    private void publishRaw(String key, byte[] value) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, key, value);
        record.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    private ConsumerRecord<byte[], byte[]> awaitDeadLetter(Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        Map<String, Object> config = KafkaTestUtils.consumerProps(broker, "it-dlt-" + UUID.randomUUID(), false);
        try (Consumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(DLT));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(record)) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no matching record on " + DLT + " within 30s");
    }

    private static HttpSink.Request awaitDelivery(HttpSink sink, String deliveryId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<HttpSink.Request> matching = deliveries(sink, deliveryId);
            if (!matching.isEmpty()) {
                return matching.getFirst();
            }
            sleep(50);
        }
        throw new AssertionError("no delivery " + deliveryId + " within 30s; got "
                + sink.requests().size() + " other request(s)");
    }

    private static List<HttpSink.Request> deliveries(HttpSink sink, String deliveryId) {
        return sink.requests().stream()
                .filter(r -> deliveryId.equals(r.header("X-Pipeline-Lens-Delivery")))
                .toList();
    }

    private double counter(String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0.0 : counter.count();
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The receiver's side, written independently of the notifier's WebhookSignature. */
    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
