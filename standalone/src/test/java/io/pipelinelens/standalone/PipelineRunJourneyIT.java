package io.pipelinelens.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.standalone.infrastructure.SimulatedCluster;
import io.pipelinelens.standalone.launcher.PlatformLauncher;
import io.pipelinelens.standalone.launcher.PlatformSettings;
import io.pipelinelens.standalone.launcher.RunningPlatform;
import io.pipelinelens.standalone.launcher.Service;
import io.pipelinelens.testing.Fixtures;
import io.pipelinelens.testing.HttpSink;
import io.pipelinelens.testing.LocalPostgres;
import io.pipelinelens.testing.LocalRabbit;
import io.pipelinelens.testing.OtlpReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The walking skeleton, every hop real: a PipelineRun is created and completed in the Kubernetes
 * API (fabric8 mock server, CRUD mode) → the harvester's informer sees it → a CloudEvent on the
 * machine's RabbitMQ → the sensemaker stores it in the machine's PostgreSQL → a span over
 * OTLP/HTTP with the run's own times → a status event on Kafka (in-process KRaft) → the notifier
 * POSTs an HMAC-signed webhook to a local HTTP sink.
 */
class PipelineRunJourneyIT {

    private static final String SECRET = "journey-webhook-secret";
    private static final String NAMESPACE = "jx";
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static SimulatedCluster cluster;
    static LocalPostgres.Database database;
    static EmbeddedKafkaKraftBroker kafka;
    static OtlpReceiver otlp;
    static HttpSink sink;
    static String exchange;
    static String queue;
    static String tap;
    static String topic;
    static RunningPlatform platform;
    static Connection rabbit;

    @BeforeAll
    static void startPlatform() throws Exception {
        cluster = SimulatedCluster.start();
        database = LocalPostgres.createDatabase("journey");
        topic = LocalRabbit.uniqueName("journey.status");
        kafka = new EmbeddedKafkaKraftBroker(1, 1, topic);
        kafka.afterPropertiesSet();
        otlp = OtlpReceiver.start();
        sink = HttpSink.start();
        exchange = LocalRabbit.uniqueName("journey.observations");
        queue = LocalRabbit.uniqueName("journey.ingest");
        tap = LocalRabbit.uniqueName("journey.tap");

        LocalRabbit.Broker broker = LocalRabbit.broker();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(broker.host());
        factory.setPort(broker.port());
        factory.setUsername(broker.username());
        factory.setPassword(broker.password());
        rabbit = factory.newConnection();
        try (Channel channel = rabbit.createChannel()) {
            // A second consumer of the exchange, to see the harvester's hop on its own.
            channel.exchangeDeclare(exchange, "topic", true);
            channel.queueDeclare(tap, false, false, false, null);
            channel.queueBind(tap, exchange, "resource.#");
        }

        platform = PlatformLauncher.launch(new PlatformSettings(
                "journey",
                new PlatformSettings.Database(database.jdbcUrl(), database.username(), database.password()),
                new PlatformSettings.Rabbit(
                        broker.host(), broker.port(), broker.username(), broker.password(), exchange, queue, null),
                new PlatformSettings.Kafka(kafka.getBrokersAsString(), topic, LocalRabbit.uniqueName("journey")),
                cluster.masterUrl(),
                otlp.endpoint(),
                List.of(new PlatformSettings.NotificationTarget("journey-sink", sink.url("/hooks"), SECRET, List.of())),
                "github-secret",
                "lighthouse-secret",
                PlatformSettings.Ports.random(),
                // The run's LighthouseJob is not part of this journey: stop waiting for it soon.
                Map.of(
                        Service.SENSEMAKER,
                        Map.of(
                                "pipelinelens.sensemaker.tracing.pending-timeout", "3s",
                                "pipelinelens.sensemaker.tracing.settle", "500ms",
                                "pipelinelens.sensemaker.tracing.tick", "100ms"))));
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
        if (rabbit != null) {
            rabbit.close();
        }
        LocalRabbit.delete(List.of(queue, queue + ".dlq", tap), List.of(exchange, exchange + ".dlx"));
        if (kafka != null) {
            kafka.destroy();
        }
        otlp.close();
        sink.close();
        cluster.close();
        database.close();
    }

    @Test
    void aCompletedPipelineRunTravelsThroughEveryHop() throws Exception {
        Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(90);
        Instant started = created.plusSeconds(4);
        Instant completed = started.plusSeconds(75);
        GenericKubernetesResource run = pipelineRun();

        KubernetesClient api = cluster.client();
        var runs =
                api.genericKubernetesResources("tekton.dev/v1", "PipelineRun").inNamespace(NAMESPACE);
        GenericKubernetesResource stored = runs.resource(run).create();
        String uid = stored.getMetadata().getUid();
        assertThat(uid).isNotBlank();
        stored.setAdditionalProperty(
                "status",
                Map.of(
                        "startTime",
                        started.toString(),
                        "conditions",
                        List.of(Map.of("type", "Succeeded", "status", "Unknown", "reason", "Running"))));
        stored = runs.resource(stored).updateStatus();
        stored.setAdditionalProperty(
                "status",
                Map.of(
                        "startTime",
                        started.toString(),
                        "completionTime",
                        completed.toString(),
                        "conditions",
                        List.of(Map.of(
                                "type", "Succeeded",
                                "status", "True",
                                "reason", "Succeeded",
                                "message", "Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0"))));
        runs.resource(stored).updateStatus();

        // Hop 1: the harvester published the completed state as a catalog CloudEvent.
        CloudEvent published = awaitPublishedCompletion(uid);
        assertThat(published.getType()).isEqualTo(EventType.RESOURCE_APPLIED.type());
        assertThat(published.getSource()).hasToString("/clusters/journey");
        assertThat(published.getSubject())
                .isEqualTo("PipelineRun.tekton.dev/jx/" + run.getMetadata().getName());

        // Hop 2: the sensemaker stored the run in PostgreSQL.
        await().atMost(WAIT).untilAsserted(() -> assertThat(storedResult(uid)).isEqualTo("success"));

        // Hop 3: the span decoded from OTLP protobuf carries the run's own times, name and attributes.
        Span span = awaitSpan(uid);
        assertThat(Instant.ofEpochSecond(0, span.getStartTimeUnixNano())).isEqualTo(started);
        assertThat(Instant.ofEpochSecond(0, span.getEndTimeUnixNano())).isEqualTo(completed);
        assertThat(span.getName()).isEqualTo("RUN jenkins-x-plugins/jx-registry/lint");
        Map<String, String> attributes = attributes(span);
        assertThat(attributes)
                .containsEntry("cicd.pipeline.result", "success")
                .containsEntry("cicd.pipeline.run.id", uid)
                .containsEntry("k8s.namespace.name", NAMESPACE)
                .containsEntry("vcs.repository.url.full", "https://github.com/jenkins-x-plugins/jx-registry.git");

        // Hops 4 and 5: the status event reached the notifier, which POSTed a signed webhook.
        HttpSink.Request delivery = awaitDelivery(uid);
        String expected = "sha256=" + hmac(SECRET, delivery.body());
        assertThat(delivery.header("X-Pipeline-Lens-Signature")).isEqualTo(expected);
        assertThat(delivery.header("Content-Type")).startsWith("application/cloudevents+json");
        JsonNode body = JSON.readTree(delivery.body());
        assertThat(body.path("type").asString()).isEqualTo(EventType.PIPELINERUN_FINISHED.type());
        JsonNode data = body.path("data");
        assertThat(data.path("subject").path("content").path("outcome").asString())
                .isEqualTo("success");
        assertThat(data.path("customData").path("pipelineRun").asString())
                .isEqualTo(run.getMetadata().getName());
        assertThat(data.path("customData").path("traceId").asString())
                .isEqualTo(HexFormat.of().formatHex(span.getTraceId().toByteArray()));

        // And it goes out once: a run is one notification, however often its state was seen.
        Thread.sleep(1_000);
        assertThat(deliveriesFor(uid)).hasSize(1);
    }

    @Test
    void servesTheStoredRunsOverHttp() throws Exception {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + platform.sensemaker().port() + "/api/runs"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).isArray()).isTrue();
        });
    }

    /** The presubmit PipelineRun Lighthouse creates, as a fresh object for the API to fill in. */
    private static GenericKubernetesResource pipelineRun() {
        ObjectNode fixture = (ObjectNode) Fixtures.tree("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml");
        ObjectNode metadata = (ObjectNode) fixture.path("metadata");
        for (String generated : List.of("uid", "resourceVersion", "managedFields", "creationTimestamp", "generation")) {
            metadata.remove(generated);
        }
        metadata.put("name", "jx-registry-pr-8-lint-" + Long.toString(System.nanoTime(), 36));
        metadata.put("namespace", NAMESPACE);
        fixture.remove("status");
        return JSON.treeToValue(fixture, GenericKubernetesResource.class);
    }

    private static CloudEvent awaitPublishedCompletion(String uid) throws Exception {
        var format = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Channel channel = rabbit.createChannel()) {
            while (System.nanoTime() < deadline) {
                GetResponse message = channel.basicGet(tap, true);
                if (message == null) {
                    Thread.sleep(100);
                    continue;
                }
                CloudEvent event = format.deserialize(message.getBody());
                JsonNode object = JSON.readTree(event.getData().toBytes());
                if (uid.equals(object.path("metadata").path("uid").asString())
                        && !object.path("status").path("completionTime").isMissingNode()) {
                    assertThat(message.getProps().getMessageId()).isEqualTo(event.getId());
                    assertThat(event.getId())
                            .isEqualTo(uid + "/"
                                    + object.path("metadata")
                                            .path("resourceVersion")
                                            .asString());
                    assertThat(object.path("metadata").has("managedFields")).isFalse();
                    return event;
                }
            }
        }
        throw new AssertionError("the harvester published no completed state of " + uid + " within " + WAIT);
    }

    private static String storedResult(String uid) throws Exception {
        try (var connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select result from pipeline_runs where uid = '" + uid.replace("'", "") + "'")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static Span awaitSpan(String uid) {
        List<Span> found = new ArrayList<>();
        await().atMost(WAIT).untilAsserted(() -> {
            found.clear();
            otlp.spans().stream()
                    .map(OtlpReceiver.ReceivedSpan::span)
                    .filter(s -> s.getName().startsWith("RUN "))
                    .filter(s -> uid.equals(attributes(s).get("cicd.pipeline.run.id")))
                    .forEach(found::add);
            assertThat(found).isNotEmpty();
        });
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private static HttpSink.Request awaitDelivery(String uid) {
        List<HttpSink.Request> found = new ArrayList<>();
        await().atMost(WAIT).untilAsserted(() -> {
            found.clear();
            found.addAll(deliveriesFor(uid));
            assertThat(found).isNotEmpty();
        });
        return found.getFirst();
    }

    private static List<HttpSink.Request> deliveriesFor(String uid) {
        return sink.requests().stream().filter(r -> r.bodyText().contains(uid)).toList();
    }

    private static Map<String, String> attributes(Span span) {
        return span.getAttributesList().stream()
                .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
