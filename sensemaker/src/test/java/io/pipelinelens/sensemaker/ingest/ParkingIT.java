package io.pipelinelens.sensemaker.ingest;

import static io.pipelinelens.sensemaker.db.Tables.RECEIVED_EVENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.testing.LocalRabbit;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What can never be ingested is parked on the dead-letter queue with its reason, without holding up
 * the valid messages of its batch, and is acknowledged only once the broker has its parked copy:
 * while the dead letter cannot be routed, the message stays on the ingest queue.
 */
@SpringBootTest
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ParkingIT {

    private static final String POD = "pods/pod-taskrun-meta-pipeline-succeeded.yaml";
    private static final String RUN = "tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml";
    private static final String REASON = "x-pipeline-lens-rejection-reason";
    private static final Duration WAIT = Duration.ofSeconds(20);

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("parking", registry);
        registry.add("pipelinelens.sensemaker.ingest.redelivery-pause", () -> "200ms");
    }

    @TestConfiguration
    static class Closing {
        @Bean
        static BeanFactoryPostProcessor closeInfrastructureAfterTheApplication() {
            return infra.closedAfterTheApplication();
        }
    }

    /**
     * The test's own connection, without publisher confirms: the application's channels are
     * closed by the broker when a dead letter goes to a missing exchange, and the test's sends,
     * receives and declarations must not share them.
     */
    private static final CachingConnectionFactory connections = testConnections();

    private final RabbitTemplate rabbit = new RabbitTemplate(connections);
    private final AmqpAdmin admin = new RabbitAdmin(connections);

    private static CachingConnectionFactory testConnections() {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        CachingConnectionFactory factory = new CachingConnectionFactory(broker.host(), broker.port());
        factory.setUsername(broker.username());
        factory.setPassword(broker.password());
        return factory;
    }

    @BeforeAll
    static void uncaughtExceptionsOfTheBrokerClientAreNotTheTests() {
        // When the broker closes a channel that still awaits confirms (a dead letter to a missing
        // exchange), Spring AMQP's cache throws on its own thread; awaitility would fail the test.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    @AfterAll
    static void closeTestConnections() {
        connections.destroy();
        Awaitility.reset();
    }

    @Autowired
    Snapshots snapshots;

    @Autowired
    DSLContext db;

    @Autowired
    MeterRegistry meters;

    private final JsonMapper json = JsonMapper.builder().build();

    private String dlq() {
        return infra.queue + ".dlq";
    }

    @BeforeEach
    void drainDeadLetters() {
        // Earlier runs cannot interfere (the queue is this class's own), earlier methods can.
        while (rabbit.receive(dlq()) != null) {
            // drain
        }
    }

    @Test
    void parksUnreadableMessagesWithTheirReasonAndKeepsConsuming() {
        ObjectNode unknownType = cloudEvent("io.pipelinelens.no.such.type.v1", json.createObjectNode());
        ObjectNode noUid = Observations.fresh(POD, "5000");
        ((ObjectNode) noUid.path("metadata")).remove("uid");
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not-json", "this is not JSON {".getBytes(StandardCharsets.UTF_8));
        bad.put("not-a-cloudevent", "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
        bad.put("unknown-type", json.writeValueAsBytes(unknownType));
        bad.put("no-uid", json.writeValueAsBytes(cloudEvent(EventType.RESOURCE_APPLIED.type(), noUid)));
        bad.forEach(
                (name, body) -> rabbit.send(infra.exchange, "resource.applied.v1.pod", Observations.raw(body, name)));

        ObjectNode valid = Observations.fresh(POD, "5001");
        publish(valid);
        awaitSnapshot(valid);

        Map<String, Message> parked = awaitParked(bad.size());
        assertThat(parked.keySet()).containsExactlyInAnyOrderElementsOf(bad.keySet());
        parked.forEach((name, m) -> {
            assertThat(m.getBody())
                    .as("the dead letter is the original message")
                    .isEqualTo(bad.get(name));
            assertThat(reason(m)).as("reason of %s", name).isNotBlank();
        });
        assertThat(reason(parked.get("unknown-type"))).contains("io.pipelinelens.no.such.type.v1");
        assertThat(reason(parked.get("no-uid"))).contains("uid");
        assertThat(received(unknownType.path("id").asString())).isZero();
    }

    @Test
    void parksAnEventWhoseIdIsTooLongToIndexAndStoresTheRunBesideIt() {
        // Random hex digits do not compress: PostgreSQL would answer "index row requires 20016
        // bytes, maximum size is 8191" (SQLSTATE 54000) for the received_events key.
        byte[] random = new byte[10_000];
        new SecureRandom().nextBytes(random);
        String longId = HexFormat.of().formatHex(random);
        ObjectNode tooLong = (ObjectNode) json.readTree(
                Observations.applied(Observations.fresh(POD, "7000")).getBody());
        tooLong.put("id", longId);
        ObjectNode run = Observations.fresh(RUN, "7001");

        // Back to back, so that they share a batch.
        rabbit.send(
                infra.exchange,
                "resource.applied.pod",
                Observations.raw(json.writeValueAsBytes(tooLong), "too-long-id"));
        publish(run);

        awaitSnapshot(run);
        Map<String, Message> parked = awaitParked(1);
        assertThat(reason(parked.get("too-long-id")))
                .startsWith("event id is 20000 bytes")
                .contains("255");
        assertThat(received(longId)).isZero();
        assertThat(received(eventId(run))).isEqualTo(1);
    }

    @Test
    void parksTextTheDatabaseCannotHoldBeforeItReachesTheDatabase() {
        ObjectNode valid = Observations.fresh(POD, "6000");
        ObjectNode withNul = Observations.fresh(POD, "6001");
        ((ObjectNode) withNul.path("metadata")).putObject("labels").put("pipelinelens.io/test", "before\u0000after");
        Message withNulMessage = Observations.applied(withNul);
        assertThat(new String(withNulMessage.getBody(), StandardCharsets.UTF_8))
                .as("the message carries the escape, not a raw NUL")
                .contains("before\\u0000after");

        rabbit.send(infra.exchange, Observations.routingKey(withNul), withNulMessage);
        publish(valid);

        awaitSnapshot(valid);
        Message parked = awaitParked(1).get(eventId(withNul));
        assertThat(reason(parked))
                .contains("metadata.labels.pipelinelens.io/test")
                .contains("the NUL character");
        assertThat(snapshots.byUid(uid(withNul))).isEmpty();
    }

    /**
     * The second line of defence, for whatever the checks before the database miss: a trigger makes
     * PostgreSQL refuse one object with the SQLSTATE of a data exception (22), an integrity
     * violation (23) or a program limit (54, as for an index row that is too large).
     */
    @ParameterizedTest(name = "SQLSTATE {0}")
    @ValueSource(strings = {"54000", "22P05", "23514"})
    void parksOnlyTheMessageTheDatabaseRefusesForGoodAndStoresTheRestOfItsBatch(String sqlState) {
        List<ObjectNode> valid = List.of(
                Observations.fresh(POD, "8000"), Observations.fresh(POD, "8001"), Observations.fresh(POD, "8002"));
        ObjectNode refused = Observations.fresh(POD, "8003");
        ((ObjectNode) refused.path("metadata")).put("name", "refused-" + UUID.randomUUID());
        db.execute("""
                create or replace function parking_it_refuse() returns trigger language plpgsql as $$
                begin
                    if new.name like 'refused-%%' then
                        raise exception 'refused for the test' using errcode = '%s';
                    end if;
                    return new;
                end $$""".formatted(sqlState));
        db.execute("create or replace trigger parking_it_refuse before insert on resource_snapshots"
                + " for each row execute function parking_it_refuse()");
        try {
            publish(valid.get(0));
            publish(refused);
            publish(valid.get(1));
            publish(valid.get(2));

            valid.forEach(this::awaitSnapshot);
            Message parked = awaitParked(1).get(eventId(refused));
            assertThat(reason(parked))
                    .isEqualTo("the database refuses it (SQLSTATE " + sqlState + "): refused for the test");
        } finally {
            db.execute("drop trigger if exists parking_it_refuse on resource_snapshots");
        }
        assertThat(snapshots.byUid(uid(refused))).isEmpty();
        assertThat(received(eventId(refused)))
                .as("the refused event is not marked received")
                .isZero();
        valid.forEach(pod -> assertThat(received(eventId(pod))).isEqualTo(1));
    }

    @Test
    void keepsAMessageOnItsQueueUntilItsDeadLetterCanBeRouted() {
        double failuresBefore = deadLetterFailures();
        admin.deleteQueue(dlq());
        ObjectNode valid = Observations.fresh(POD, "9000");
        try {
            rabbit.send(
                    infra.exchange, "resource.applied.pod", Observations.raw("not JSON {".getBytes(), "unroutable"));
            publish(valid);

            awaitSnapshot(valid);
            // Returned by the broker, so not acknowledged: redelivered and tried again.
            await().atMost(WAIT).until(() -> deadLetterFailures() >= failuresBefore + 2);
        } finally {
            restoreDeadLetterQueue();
        }
        assertThat(reason(awaitParked(1).get("unroutable"))).startsWith("not a structured-mode CloudEvent");
        assertThat(received(eventId(valid)))
                .as("stored once, however often redelivered")
                .isEqualTo(1);
    }

    @Test
    void keepsAMessageOnItsQueueWhileTheDeadLetterExchangeIsGone() {
        double failuresBefore = deadLetterFailures();
        admin.deleteExchange(infra.exchange + ".dlx");
        ObjectNode valid = Observations.fresh(POD, "9100");
        try {
            rabbit.send(infra.exchange, "resource.applied.pod", Observations.raw("{}".getBytes(), "no-exchange"));
            publish(valid);

            awaitSnapshot(valid);
            // The broker closes the channel of a publication to a missing exchange: no confirm.
            await().atMost(WAIT).until(() -> deadLetterFailures() >= failuresBefore + 2);
        } finally {
            admin.declareExchange(new FanoutExchange(infra.exchange + ".dlx", true, false));
            restoreDeadLetterQueue();
        }
        assertThat(reason(awaitParked(1).get("no-exchange"))).contains("specversion");
        assertThat(received(eventId(valid))).isEqualTo(1);
    }

    private void restoreDeadLetterQueue() {
        Queue queue = QueueBuilder.durable(dlq()).build();
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(new FanoutExchange(infra.exchange + ".dlx", true, false)));
    }

    private double deadLetterFailures() {
        var counter = meters.find("pipelinelens.ingest.dead.letters.failed").counter();
        return counter == null ? 0 : counter.count();
    }

    /** Waits for exactly {@code count} dead letters, by message id. */
    private Map<String, Message> awaitParked(int count) {
        Map<String, Message> parked = new LinkedHashMap<>();
        await().atMost(WAIT).untilAsserted(() -> {
            Message m;
            while ((m = rabbit.receive(dlq())) != null) {
                parked.put(m.getMessageProperties().getMessageId(), m);
            }
            assertThat(parked).hasSizeGreaterThanOrEqualTo(count);
        });
        assertThat(parked).as("dead letters").hasSize(count);
        return parked;
    }

    private static String reason(Message m) {
        Object reason = m.getMessageProperties().getHeaders().get(REASON);
        assertThat(reason).as("the reason header").isNotNull();
        return reason.toString();
    }

    private int received(String eventId) {
        return db.fetchCount(RECEIVED_EVENTS, RECEIVED_EVENTS.ID.eq(eventId));
    }

    private void publish(ObjectNode object) {
        rabbit.send(infra.exchange, Observations.routingKey(object), Observations.applied(object));
    }

    private void awaitSnapshot(ObjectNode object) {
        String version = object.path("metadata").path("resourceVersion").asString();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(snapshots.byUid(uid(object)))
                        .hasValueSatisfying(s -> assertThat(s.resourceVersion()).isEqualTo(version)));
    }

    private static String uid(ObjectNode object) {
        return object.path("metadata").path("uid").asString();
    }

    private static String eventId(ObjectNode object) {
        return ResourceEvents.id(
                ResourceEvents.Action.APPLIED,
                uid(object),
                object.path("metadata").path("resourceVersion").asString());
    }

    private ObjectNode cloudEvent(String type, ObjectNode data) {
        ObjectNode event = json.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", "test-" + UUID.randomUUID());
        event.put("source", "/clusters/test-cluster");
        event.put("type", type);
        event.put("datacontenttype", "application/json");
        event.set("data", data);
        return event;
    }
}
