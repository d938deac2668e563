package io.pipelinelens.sensemaker.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.StatusEvents;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
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

/**
 * A finished run's status event is written with the transaction that publishes the run, or not at
 * all; the events one transaction writes are in the order of their time.
 */
@SpringBootTest
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StatusOutboxWriterIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("status-writer", registry);
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
    ApplicationEventPublisher events;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    EmbeddedKafkaBroker kafka;

    @Test
    void writesTheEventsOfATransactionWhenItCommitsInTheOrderTheyHappened() throws Exception {
        String pipeline = "writer-" + UUID.randomUUID();
        PipelineRunFinished rolledBack = run(pipeline, T);
        PipelineRunFinished later = run(pipeline, T.plusSeconds(120));
        PipelineRunFinished earlier = run(pipeline, T.plusSeconds(60));

        transactions.executeWithoutResult(status -> {
            events.publishEvent(rolledBack);
            status.setRollbackOnly();
        });
        // Published in the order the tracing module happened to record them, not the order they finished.
        transactions.executeWithoutResult(status -> {
            events.publishEvent(later);
            events.publishEvent(earlier);
        });

        String key = StatusEvents.key("jx", pipeline);
        assertThat(outbox(key)).containsExactly(id(earlier), id(later));
        try (StatusRecords records = new StatusRecords(kafka.getBrokersAsString(), infra.topic)) {
            await().atMost(WAIT).until(() -> records.ids(key).size() >= 2);
            assertThat(records.ids(key)).containsExactly(id(earlier), id(later));
        }
    }

    @Test
    void writesAnEventPublishedOutsideATransactionOnItsOwn() throws Exception {
        String pipeline = "writer-" + UUID.randomUUID();
        PipelineRunFinished run = run(pipeline, T);

        events.publishEvent(run);

        String key = StatusEvents.key("jx", pipeline);
        assertThat(outbox(key)).containsExactly(id(run));
        try (StatusRecords records = new StatusRecords(kafka.getBrokersAsString(), infra.topic)) {
            await().atMost(WAIT).until(() -> records.ids(key).contains(id(run)));
        }
    }

    @Test
    void writesTheSameFactOnce() throws Exception {
        String pipeline = "writer-" + UUID.randomUUID();
        PipelineRunFinished run = run(pipeline, T);

        transactions.executeWithoutResult(status -> events.publishEvent(run));
        transactions.executeWithoutResult(status -> events.publishEvent(run));

        assertThat(outbox(StatusEvents.key("jx", pipeline))).containsExactly(id(run));
    }

    private static PipelineRunFinished run(String pipeline, Instant completedAt) {
        String uid = UUID.randomUUID().toString();
        return new PipelineRunFinished(
                uid,
                "jx",
                pipeline + "-" + uid.substring(0, 8),
                pipeline,
                "success",
                null,
                completedAt.minusSeconds(30),
                completedAt,
                "0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331",
                "https://github.com/example/app.git",
                "main",
                "d37fda61b4d258b656faad85eea3564b2e5049a2");
    }

    private static String id(PipelineRunFinished run) {
        return StatusEvents.id(run.uid(), EventType.PIPELINERUN_FINISHED);
    }

    /** The key's event ids in outbox order. */
    private static List<String> outbox(String key) throws SQLException {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES)
                    .resultQuery("select event_id from status_outbox where event_key = {0} order by seq", DSL.val(key))
                    .fetch(0, String.class);
        }
    }
}
