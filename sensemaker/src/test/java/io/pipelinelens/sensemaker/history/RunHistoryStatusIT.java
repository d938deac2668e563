package io.pipelinelens.sensemaker.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipelinelens.contracts.StatusEvents;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.sensemaker.history.StatusTopic.Received;
import io.pipelinelens.sensemaker.tracing.PipelineRunFinished;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * PipelineRuns of one pipeline and branch finish one after the other and travel the whole way:
 * RabbitMQ, ingest, lineage, tracing, the run history, the status outbox, Kafka. Main breaks, stays
 * broken, recovers by a rerun of the failing commit (which is flaky), and then a run is slower than
 * the baseline: every status event reaches the topic once, in the order of the runs, each valid
 * against the catalog's schema, and saying what a notification needs.
 */
@SpringBootTest
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RunHistoryStatusIT {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final Instant FIRST_COMPLETION = Instant.parse("2026-12-01T10:00:00Z");
    private static final String NAMESPACE = "jx";
    private static final String REPOSITORY = "https://github.com/pipeline-lens/history-demo.git";

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("history", registry);
        // The runs have no job: they are traced once they gave up waiting for one.
        registry.add(
                "pipelinelens.sensemaker.tracing.pending-timeout",
                () -> SensemakerInfrastructure.PENDING_TIMEOUT_FOR_GIVE_UP_TESTS);
        registry.add("pipelinelens.sensemaker.history.baseline-min-runs", () -> "3");
        registry.add("pipelinelens.sensemaker.status.outbox.poll-interval", () -> "200ms");
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
    RunHistory history;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    TransactionTemplate transactions;

    private final String pipeline = "history-" + UUID.randomUUID().toString().substring(0, 8);
    private int count;

    @Test
    void mainBreaksStaysBrokenRecoversAndRunsSlowerInOrder() throws Exception {
        String key = StatusEvents.key(NAMESPACE, pipeline);
        Run green1 = finish("c1", true, 40);
        Run green2 = finish("c2", true, 40);
        Run green3 = finish("c3", true, 40);
        Run broken = finish("c4", false, 40);
        Run stillFailing = finish("c5", false, 40);
        Run recovered = finish("c5", true, 40); // a rerun of the failing commit
        Run slower = finish("c6", true, 340); // running took five minutes longer
        // The same run observed again (a new resourceVersion) is one run: nothing more is said.
        ObjectNode again = slower.observation().deepCopy();
        again.withObject("metadata").put("resourceVersion", "2");
        send(again);

        try (StatusTopic topic = new StatusTopic(kafka.getBrokersAsString(), infra.topic)) {
            List<String> expected = List.of(
                    finished(green1),
                    finished(green2),
                    finished(green3),
                    finished(broken),
                    broken.uid() + "/io.pipelinelens.pipeline.broken.v1",
                    finished(stillFailing),
                    finished(recovered),
                    recovered.uid() + "/io.pipelinelens.pipeline.recovered.v1",
                    recovered.uid() + "/io.pipelinelens.pipeline.flaky.v1",
                    finished(slower),
                    slower.uid() + "/io.pipelinelens.pipeline.slower.v1");
            await().atMost(WAIT).until(() -> topic.of(key).size() >= expected.size());
            List<Received> records = topic.of(key);
            assertThat(records.stream().map(r -> r.event().path("id").asString()))
                    .as("every event once, in the order of the runs")
                    .containsExactlyElementsOf(expected);
            assertThat(records)
                    .allSatisfy(r ->
                            assertThat(StatusTopic.violations(r)).as(r.type()).isEmpty());

            Received brokeEvent = records.get(4);
            assertThat(brokeEvent.data().path("branch").asString()).isEqualTo("main");
            assertThat(brokeEvent.data().path("repository").asString()).isEqualTo(REPOSITORY);
            assertThat(brokeEvent.data().path("run").path("traceId").asString()).hasSize(32);
            assertThat(brokeEvent.data().path("run").path("traceUrl").asString())
                    .contains("/trace/");
            assertThat(brokeEvent.data().path("lastSuccess").path("runUid").asString())
                    .isEqualTo(green3.uid());
            assertThat(brokeEvent.data().path("commits").toString()).isEqualTo("[\"c4\"]");

            Received recoveredEvent = records.get(7);
            assertThat(recoveredEvent.data().path("failingSince").path("runUid").asString())
                    .isEqualTo(broken.uid());
            assertThat(recoveredEvent.data().path("failedRuns").asInt()).isEqualTo(2);
            assertThat(recoveredEvent.data().path("commits").toString()).isEqualTo("[\"c4\",\"c5\"]");

            Received flakyEvent = records.get(8);
            assertThat(flakyEvent.data().path("revision").asString()).isEqualTo("c5");
            assertThat(flakyEvent
                            .data()
                            .path("failedRuns")
                            .get(0)
                            .path("runUid")
                            .asString())
                    .isEqualTo(stillFailing.uid());

            Received slowerEvent = records.get(10);
            assertThat(slowerEvent.data().path("durationMs").asLong()).isEqualTo(350_000);
            assertThat(slowerEvent.data().path("baselineMs").asLong()).isEqualTo(50_000);
            assertThat(slowerEvent.data().path("baselineRuns").asInt()).isEqualTo(4);
            assertThat(slowerEvent.data().path("grew").asString()).isEqualTo("running");
        }

        var statistics = history.statistics(NAMESPACE, pipeline, FIRST_COMPLETION, FIRST_COMPLETION.plusSeconds(7200));
        assertThat(statistics.total().runs()).isEqualTo(7);
        assertThat(statistics.total().succeeded()).isEqualTo(5);
        assertThat(statistics.total().failed()).isEqualTo(2);
        assertThat(statistics.total().queueP50()).isEqualTo(Duration.ofSeconds(10));
        assertThat(statistics.days()).hasSize(1);
        assertThat(history.outcome(NAMESPACE, pipeline, REPOSITORY, "main")).contains("passing");
    }

    @Test
    void theSameRunFinishedTwiceIsDecidedOnceAndSaidOnce() throws Exception {
        String name = "twice-" + UUID.randomUUID().toString().substring(0, 8);
        PipelineRunFinished green = finished(name, "c1", "success", FIRST_COMPLETION);
        PipelineRunFinished red = finished(name, "c2", "failure", FIRST_COMPLETION.plusSeconds(60));
        for (PipelineRunFinished run : List.of(green, red, red)) {
            transactions.executeWithoutResult(status -> events.publishEvent(run));
        }
        try (Connection connection = infra.database.connect()) {
            var db = DSL.using(connection, SQLDialect.POSTGRES);
            assertThat(db.fetchCount(
                            DSL.table("run_history"), DSL.field("run_uid").eq(red.uid())))
                    .isEqualTo(1);
            assertThat(db.resultQuery(
                                    "select event_id from status_outbox where event_key = {0} order by seq",
                                    DSL.val(StatusEvents.key(NAMESPACE, name)))
                            .fetch(0, String.class))
                    .containsExactly(
                            green.uid() + "/dev.cdevents.pipelinerun.finished.0.3.0",
                            red.uid() + "/dev.cdevents.pipelinerun.finished.0.3.0",
                            red.uid() + "/io.pipelinelens.pipeline.broken.v1");
        }
    }

    private static PipelineRunFinished finished(String pipeline, String commit, String result, Instant completed) {
        String uid = UUID.randomUUID().toString();
        return new PipelineRunFinished(
                uid,
                NAMESPACE,
                pipeline + "-" + commit,
                pipeline,
                result,
                null,
                completed.minusSeconds(30),
                completed,
                "0123456789abcdef0123456789abcdef",
                "0123456789abcdef",
                REPOSITORY,
                "main",
                commit);
    }

    /** One run observation, and what it is identified by. */
    record Run(String uid, ObjectNode observation) {}

    /**
     * The next run of the pipeline on main: created 10 s before it started, running for {@code
     * runningSeconds}, completing a minute after the previous one completed (plus its extra time).
     * Sent, and waited for until tracing recorded it, so that the order of the runs is known.
     */
    private Run finish(String commit, boolean succeeded, long runningSeconds) throws SQLException {
        int n = ++count;
        String uid = UUID.randomUUID().toString();
        Instant completed = FIRST_COMPLETION.plusSeconds(600L * n);
        ObjectNode run = Observations.fixture("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml");
        ObjectNode metadata = run.withObject("metadata");
        metadata.remove("ownerReferences");
        metadata.remove("annotations");
        Instant started = completed.minusSeconds(runningSeconds);
        metadata.put("uid", uid)
                .put("name", pipeline + "-" + n)
                .put("namespace", NAMESPACE)
                .put("resourceVersion", "1")
                .put("creationTimestamp", started.minusSeconds(10).toString());
        ObjectNode labels = metadata.withObject("labels");
        labels.removeAll();
        labels.put("lighthouse.jenkins-x.io/job", pipeline);
        labels.put("lighthouse.jenkins-x.io/branch", "main");
        labels.put("lighthouse.jenkins-x.io/lastCommitSHA", commit);
        metadata.withObject("annotations").put("lighthouse.jenkins-x.io/cloneURI", REPOSITORY);
        ObjectNode status = run.withObject("status");
        status.remove("childReferences");
        status.put("startTime", started.toString()).put("completionTime", completed.toString());
        ObjectNode condition = (ObjectNode) status.path("conditions").get(0);
        condition.put("lastTransitionTime", completed.toString());
        if (!succeeded) {
            condition.put("status", "False").put("reason", "Failed").put("message", "Tasks Completed: 1 (Failed: 1)");
        }
        send(run);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> recorded(uid));
        return new Run(uid, run);
    }

    private void send(ObjectNode run) {
        rabbit.send(infra.exchange, "resource.applied.pipelinerun", Observations.applied(run));
    }

    private boolean recorded(String uid) throws SQLException {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES)
                    .fetchExists(DSL.table("run_history"), DSL.field("run_uid").eq(uid));
        }
    }

    private static String finished(Run run) {
        return run.uid() + "/dev.cdevents.pipelinerun.finished.0.3.0";
    }
}
