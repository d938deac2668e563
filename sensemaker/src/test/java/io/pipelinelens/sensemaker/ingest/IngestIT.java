package io.pipelinelens.sensemaker.ingest;

import static io.pipelinelens.sensemaker.db.Tables.GIT_WEBHOOKS;
import static io.pipelinelens.sensemaker.db.Tables.RECEIVED_EVENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipelinelens.contracts.Catalog;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.contracts.WebhookEvents;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The harvester's CloudEvents arrive through the real RabbitMQ and land in the real PostgreSQL:
 * deduped by id, newest state kept, webhooks stored. What cannot be ingested: {@link ParkingIT}.
 */
@SpringBootTest
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class IngestIT {

    private static final String POD = "pods/pod-taskrun-meta-pipeline-succeeded.yaml";
    private static final Duration WAIT = Duration.ofSeconds(20);

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("ingest", registry);
    }

    @TestConfiguration
    static class Recording {
        @Bean
        static BeanFactoryPostProcessor closeInfrastructureAfterTheApplication() {
            return infra.closedAfterTheApplication();
        }

        @Bean
        ObservedEvents observedEvents() {
            return new ObservedEvents();
        }
    }

    /** Every ResourceObserved the ingest announced. */
    static class ObservedEvents {
        final List<ResourceObserved> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(ResourcesObserved batch) {
            events.addAll(batch.resources());
        }

        List<ResourceObserved> of(String uid) {
            return events.stream().filter(e -> e.uid().equals(uid)).toList();
        }
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    Snapshots snapshots;

    @Autowired
    DSLContext db;

    @Autowired
    ObservedEvents observed;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void storesAnAppliedObjectAsItsLatestSnapshot() {
        ObjectNode pod = pod("1000");
        String uid = uid(pod);
        publish(ResourceEvents.Action.APPLIED, pod);

        Snapshot snapshot = awaitSnapshot(uid, "1000");
        assertThat(snapshot.kind()).isEqualTo("Pod");
        assertThat(snapshot.apiVersion()).isEqualTo("v1");
        assertThat(snapshot.namespace()).isEqualTo("jx");
        assertThat(snapshot.name()).isEqualTo(pod.path("metadata").path("name").asString());
        assertThat(snapshot.deleted()).isFalse();
        assertThat(snapshot.body()).isEqualTo(pod);
        assertThat(snapshots.byName("Pod", "jx", snapshot.name()))
                .hasValueSatisfying(s -> assertThat(s.uid()).isEqualTo(uid));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(observed.of(uid))
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.resourceVersion()).isEqualTo("1000");
                            assertThat(e.deleted()).isFalse();
                            assertThat(e.eventId())
                                    .isEqualTo(ResourceEvents.id(ResourceEvents.Action.APPLIED, uid, "1000"));
                        }));
    }

    @Test
    void ingestsAnEventDeliveredTwiceOnlyOnce() {
        ObjectNode pod = pod("2000");
        String uid = uid(pod);
        Message message = Observations.applied(pod);
        String eventId = message.getMessageProperties().getMessageId();
        rabbit.send(infra.exchange, Observations.routingKey(pod), message);
        rabbit.send(infra.exchange, Observations.routingKey(pod), Observations.applied(pod));
        // Consumed in order by one consumer: once the marker is stored, both copies were handled.
        awaitMarker();

        assertThat(db.fetchCount(RECEIVED_EVENTS, RECEIVED_EVENTS.ID.eq(eventId)))
                .isEqualTo(1);
        assertThat(observed.of(uid)).hasSize(1);
        assertThat(snapshots.byUid(uid))
                .hasValueSatisfying(s -> assertThat(s.resourceVersion()).isEqualTo("2000"));
    }

    @Test
    void keepsTheNewerStateWhenAnOlderOneArrivesLate() {
        ObjectNode newer = pod("3000");
        String uid = uid(newer);
        ObjectNode older = newer.deepCopy();
        ((ObjectNode) older.path("metadata")).put("resourceVersion", "999");
        ((ObjectNode) older.path("metadata")).putObject("labels").put("state", "older");

        publish(ResourceEvents.Action.APPLIED, newer);
        awaitSnapshot(uid, "3000");
        publish(ResourceEvents.Action.APPLIED, older);
        awaitMarker();

        assertThat(db.fetchCount(
                        RECEIVED_EVENTS,
                        RECEIVED_EVENTS.ID.eq(ResourceEvents.id(ResourceEvents.Action.APPLIED, uid, "999"))))
                .as("the older event was received")
                .isEqualTo(1);
        Snapshot snapshot = snapshots.byUid(uid).orElseThrow();
        assertThat(snapshot.resourceVersion()).isEqualTo("3000");
        assertThat(snapshot.body()).isEqualTo(newer);
        assertThat(observed.of(uid))
                .as("only the newer state is announced")
                .extracting(ResourceObserved::resourceVersion)
                .containsExactly("3000");
    }

    @Test
    void marksTheSnapshotOfADeletedObjectDeleted() {
        ObjectNode pod = pod("4000");
        String uid = uid(pod);
        publish(ResourceEvents.Action.APPLIED, pod);
        awaitSnapshot(uid, "4000");

        ObjectNode gone = pod.deepCopy();
        ((ObjectNode) gone.path("metadata")).put("resourceVersion", "4001");
        publish(ResourceEvents.Action.DELETED, gone);

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(snapshots.byUid(uid))
                        .hasValueSatisfying(s -> assertThat(s.deleted()).isTrue()));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(observed.of(uid))
                        .extracting(ResourceObserved::deleted)
                        .containsExactly(false, true));
    }

    @Test
    void storesAGithubWebhook() {
        ObjectNode event = (ObjectNode) json.readTree(Catalog.sample(EventType.GIT_WEBHOOK_RECEIVED));
        String id = "test-delivery-" + UUID.randomUUID();
        event.put("id", id);
        ((ObjectNode) event.path("data")).put("deliveryId", id);
        String kind = event.path("data").path("kind").asString();
        rabbit.send(
                infra.exchange,
                WebhookEvents.routingKey(WebhookEvents.Provider.GITHUB, kind),
                Observations.raw(json.writeValueAsBytes(event), id));

        await().atMost(WAIT).until(() -> db.fetchCount(GIT_WEBHOOKS, GIT_WEBHOOKS.ID.eq(id)) == 1);
        var row = db.selectFrom(GIT_WEBHOOKS).where(GIT_WEBHOOKS.ID.eq(id)).fetchSingle();
        assertThat(row.getProvider()).isEqualTo("github");
        assertThat(row.getKind()).isEqualTo("push");
        assertThat(row.getSubject()).isEqualTo(event.path("subject").asString());
        assertThat(row.getReceivedAt().toInstant())
                .isEqualTo(java.time.Instant.parse(event.path("time").asString()));
        assertThat(json.readTree(row.getBody().data())).isEqualTo(event.path("data"));
        assertThat(db.fetchCount(RECEIVED_EVENTS, RECEIVED_EVENTS.ID.eq(id))).isEqualTo(1);
    }

    private ObjectNode pod(String resourceVersion) {
        return Observations.fresh(POD, resourceVersion);
    }

    private static String uid(JsonNode object) {
        return object.path("metadata").path("uid").asString();
    }

    private void publish(ResourceEvents.Action action, ObjectNode object) {
        rabbit.send(
                infra.exchange,
                ResourceEvents.routingKey(action, object.path("kind").asString()),
                Observations.message(action, object));
    }

    private Snapshot awaitSnapshot(String uid, String resourceVersion) {
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(snapshots.byUid(uid))
                        .hasValueSatisfying(s -> assertThat(s.resourceVersion()).isEqualTo(resourceVersion)));
        return snapshots.byUid(uid).orElseThrow();
    }

    /** Publishes a fresh object and waits for it: everything published before it has been handled. */
    private void awaitMarker() {
        ObjectNode marker = pod("1");
        publish(ResourceEvents.Action.APPLIED, marker);
        awaitSnapshot(uid(marker), "1");
    }
}
