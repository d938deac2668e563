package io.pipelinelens.sensemaker.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.pipelinelens.sensemaker.SensemakerApplication;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.sensemaker.status.FinishedRuns.Run;
import io.pipelinelens.testing.OtlpReceiver.ReceivedSpan;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two replicas record and publish the runs of two pipelines that finish in quick succession,
 * interleaved, while the broker goes away for a while and comes back: every pipeline's status
 * events reach the topic in the order its runs completed, each exactly once, and tracing does not
 * wait for Kafka meanwhile. The replicas share the database, so each key is published by whichever
 * replica holds its first waiting event.
 */
class StatusOrderIT {

    // A bound for a loaded machine: clients reconnect through the restored link at their own pace.
    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final int RUNS_PER_PHASE = 6;

    private SensemakerInfrastructure infra;
    private SwitchableKafka kafka;
    private final Map<String, Supplier<Object>> properties = new LinkedHashMap<>();
    private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

    @BeforeEach
    void infrastructure() {
        kafka = SwitchableKafka.onFreePort();
        kafka.startBroker();
        infra = SensemakerInfrastructure.create("status-order", (name, value) -> properties.put(name, value::get));
        // Its runs have no job: they are traced once they gave up waiting for one.
        properties.put(
                "pipelinelens.sensemaker.tracing.pending-timeout",
                () -> SensemakerInfrastructure.PENDING_TIMEOUT_FOR_GIVE_UP_TESTS);
        properties.put("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        // Failures show within seconds, and a key is tried again within a second once Kafka is back.
        properties.put("pipelinelens.sensemaker.status.producer.max-block", () -> "2s");
        properties.put("pipelinelens.sensemaker.status.producer.request-timeout", () -> "2s");
        properties.put("pipelinelens.sensemaker.status.producer.delivery-timeout", () -> "4s");
        properties.put("pipelinelens.sensemaker.status.retry.initial-backoff", () -> "200ms");
        properties.put("pipelinelens.sensemaker.status.retry.max-backoff", () -> "1s");
        properties.put("pipelinelens.sensemaker.status.outbox.poll-interval", () -> "200ms");
    }

    @AfterEach
    void cleanUp() {
        replicas.forEach(ConfigurableApplicationContext::close);
        kafka.close();
        infra.close();
    }

    @Test
    void eachPipelinesEventsArriveOnceAndInCompletionOrderThroughABrokerOutage() throws Exception {
        RabbitTemplate rabbit = start().getBean(RabbitTemplate.class);
        start();
        FinishedRuns app = new FinishedRuns("status-order-app");
        FinishedRuns lib = new FinishedRuns("status-order-lib");
        List<Run> runs = new ArrayList<>();

        try (StatusRecords records = new StatusRecords(kafka.bootstrapServers(), infra.topic)) {
            // Kafka there.
            List<Run> before = finishInQuickSuccession(rabbit, app, lib);
            runs.addAll(before);
            await().atMost(WAIT).until(() -> records.containsAll(eventIds(before)));

            // Kafka away: tracing goes on, the status events wait, and sends fail. While the broker
            // is out of reach a round probes it with one key's event, so not every key is tried.
            kafka.cut();
            List<Run> during = finishInQuickSuccession(rabbit, app, lib);
            runs.addAll(during);
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(exportedRunSpans()).containsAll(uids(during)));
            await().atMost(WAIT).untilAsserted(() -> assertThat(unpublished()).containsAll(eventIds(during)));
            await().atMost(WAIT).until(() -> failedSends() > 0);
            assertThat(records.ids()).doesNotContainAnyElementsOf(eventIds(during));

            // Kafka back, and more runs finish meanwhile.
            kafka.restore();
            List<Run> after = finishInQuickSuccession(rabbit, app, lib);
            runs.addAll(after);
            await().atMost(WAIT).until(() -> records.containsAll(eventIds(runs)));

            List<String> read = records.ids();
            assertThat(read).as("no event twice").doesNotHaveDuplicates();
            assertThat(Set.copyOf(read)).as("every event, nothing else").isEqualTo(Set.copyOf(eventIds(runs)));
            for (FinishedRuns pipeline : List.of(app, lib)) {
                List<String> completionOrder = runs.stream()
                        .filter(r -> r.key().equals(pipeline.key()))
                        .sorted((a, b) -> a.completedAt().compareTo(b.completedAt()))
                        .map(Run::eventId)
                        .toList();
                assertThat(completionOrder).hasSize(3 * RUNS_PER_PHASE);
                assertThat(records.ids(pipeline.key())).as(pipeline.key()).isEqualTo(completionOrder);
                assertThat(outboxOrder(pipeline.key())).as("the outbox's order").isEqualTo(completionOrder);
            }
            assertThat(records.received())
                    .allSatisfy(r -> assertThat(r.type()).isEqualTo("dev.cdevents.pipelinerun.finished.0.3.0"));
        }
    }

    /**
     * One run of each pipeline at a time, the next pair as soon as both are recorded: runs finish
     * as fast as the sensemaker records them, and the order they were recorded in is the order they
     * completed (which run the tracing module records first among runs it sees at once is its
     * business; here the test pins it, so that the expected order is known).
     */
    private List<Run> finishInQuickSuccession(RabbitTemplate rabbit, FinishedRuns... pipelines) {
        List<Run> finished = new ArrayList<>();
        for (int i = 0; i < RUNS_PER_PHASE; i++) {
            List<Run> pair = new ArrayList<>();
            for (FinishedRuns pipeline : pipelines) {
                Run run = pipeline.next();
                pair.add(run);
                rabbit.send(infra.exchange, "resource.applied.pipelinerun", run.observation());
            }
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> recorded(uids(pair)) == pair.size());
            finished.addAll(pair);
        }
        return finished;
    }

    private int recorded(List<String> uids) throws SQLException {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES)
                    .fetchCount(DSL.table("pipeline_runs"), DSL.field("uid").in(uids));
        }
    }

    private ConfigurableApplicationContext start() {
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value.get()));
        args.add("--server.port=0");
        long started = System.nanoTime();
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(SensemakerApplication.class).run(args.toArray(String[]::new));
        System.out.printf(
                "STARTUP with Kafka reachable: replica %d started in %d ms%n",
                replicas.size() + 1,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        replicas.add(context);
        return context;
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

    /** Ids of events not published yet, in the outbox's order. */
    private List<String> unpublished() throws SQLException {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES)
                    .resultQuery("select event_id from status_outbox where published_at is null order by seq")
                    .fetch(0, String.class);
        }
    }

    /** Failed sends recorded on events still waiting. */
    private int failedSends() throws SQLException {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES)
                    .resultQuery("select coalesce(sum(attempts), 0) from status_outbox where published_at is null")
                    .fetchOne(0, Integer.class);
        }
    }

    /** The key's events in the order the outbox holds them, all published. */
    private List<String> outboxOrder(String key) throws SQLException {
        try (Connection connection = infra.database.connect()) {
            List<Record> rows = DSL.using(connection, SQLDialect.POSTGRES)
                    .resultQuery(
                            "select event_id, published_at from status_outbox where event_key = {0} order by seq",
                            DSL.val(key))
                    .fetch();
            assertThat(rows).allSatisfy(r -> assertThat(r.get("published_at")).isNotNull());
            return rows.stream().map(r -> r.get("event_id", String.class)).toList();
        }
    }

    private static List<String> eventIds(List<Run> runs) {
        return runs.stream().map(Run::eventId).toList();
    }

    private static List<String> uids(List<Run> runs) {
        return runs.stream().map(Run::uid).toList();
    }
}
