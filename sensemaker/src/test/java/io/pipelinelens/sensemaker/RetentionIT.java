package io.pipelinelens.sensemaker;

import static io.pipelinelens.sensemaker.db.Tables.GIT_WEBHOOKS;
import static io.pipelinelens.sensemaker.db.Tables.PIPELINE_RUNS;
import static io.pipelinelens.sensemaker.db.Tables.RECEIVED_EVENTS;
import static io.pipelinelens.sensemaker.db.Tables.RESOURCE_SNAPSHOTS;
import static io.pipelinelens.sensemaker.db.Tables.RUN_HISTORY;
import static io.pipelinelens.sensemaker.db.Tables.RUN_HISTORY_TASKS;
import static io.pipelinelens.sensemaker.db.Tables.SPANS;
import static io.pipelinelens.sensemaker.db.Tables.TRACE_NODES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** What is older than the retention window goes, in small batches; what is younger, or still unsent, stays. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RetentionIT {

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("retention", registry);
        registry.add("pipelinelens.sensemaker.retention.max-age", () -> "30d");
        registry.add("pipelinelens.sensemaker.retention.interval", () -> "PT1S");
        // Small batches: the deletes take several statements.
        registry.add("pipelinelens.sensemaker.retention.batch", () -> "7");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Infrastructure {
        @Bean
        static BeanFactoryPostProcessor closeInfrastructureAfterTheApplication() {
            return infra.closedAfterTheApplication();
        }
    }

    @Autowired
    DSLContext db;

    @Test
    void deletesWhatIsOlderThanTheWindowAndKeepsTheRestAndEverySpanStillToBeSent() {
        OffsetDateTime old = OffsetDateTime.now().minusDays(31);
        OffsetDateTime recent = OffsetDateTime.now().minusDays(29);
        for (int i = 0; i < 20; i++) {
            store("old-" + i, old, true);
            store("recent-" + i, recent, true);
        }
        store("unsent", old, false);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(db.fetchCount(RECEIVED_EVENTS)).isEqualTo(20);
            assertThat(db.fetchCount(RESOURCE_SNAPSHOTS)).isEqualTo(20);
            assertThat(db.fetchCount(GIT_WEBHOOKS)).isEqualTo(20);
            assertThat(db.fetchCount(TRACE_NODES)).isEqualTo(21);
            assertThat(db.fetchCount(PIPELINE_RUNS)).isEqualTo(20);
            assertThat(db.fetchCount(SPANS)).isEqualTo(21);
            assertThat(db.fetchCount(RUN_HISTORY)).isEqualTo(20);
            assertThat(db.fetchCount(RUN_HISTORY_TASKS)).as("with their runs").isEqualTo(20);
        });
        assertThat(db.fetchCount(RECEIVED_EVENTS, RECEIVED_EVENTS.ID.startsWith("old-")))
                .isZero();
        assertThat(db.fetchCount(SPANS, SPANS.SPAN_ID.eq("unsent")))
                .as("never sent: kept")
                .isOne();
        assertThat(db.fetchCount(TRACE_NODES, TRACE_NODES.UID.eq("unsent")))
                .as("not handed over: kept")
                .isOne();
    }

    /** One of everything, as of {@code at}; {@code done}: handed over, exported. */
    private void store(String id, OffsetDateTime at, boolean done) {
        db.insertInto(RECEIVED_EVENTS)
                .set(RECEIVED_EVENTS.ID, id)
                .set(RECEIVED_EVENTS.TYPE, "test")
                .set(RECEIVED_EVENTS.RECEIVED_AT, at)
                .execute();
        db.insertInto(RESOURCE_SNAPSHOTS)
                .set(RESOURCE_SNAPSHOTS.UID, id)
                .set(RESOURCE_SNAPSHOTS.API_VERSION, "v1")
                .set(RESOURCE_SNAPSHOTS.KIND, "ConfigMap")
                .set(RESOURCE_SNAPSHOTS.NAMESPACE, "jx")
                .set(RESOURCE_SNAPSHOTS.NAME, id)
                .set(RESOURCE_SNAPSHOTS.RESOURCE_VERSION, "1")
                .set(RESOURCE_SNAPSHOTS.BODY, JSONB.valueOf("{}"))
                .set(RESOURCE_SNAPSHOTS.OBSERVED_AT, at)
                .execute();
        db.insertInto(GIT_WEBHOOKS)
                .set(GIT_WEBHOOKS.ID, id)
                .set(GIT_WEBHOOKS.PROVIDER, "github")
                .set(GIT_WEBHOOKS.KIND, "push")
                .set(GIT_WEBHOOKS.BODY, JSONB.valueOf("{}"))
                .set(GIT_WEBHOOKS.RECEIVED_AT, at)
                .execute();
        db.insertInto(TRACE_NODES)
                .set(TRACE_NODES.UID, id)
                .set(TRACE_NODES.KIND, "PipelineRun")
                .set(TRACE_NODES.STATE, "root")
                .set(TRACE_NODES.SPAN_ID, id)
                .set(TRACE_NODES.TRACE_ID, "t-" + id)
                .set(TRACE_NODES.RECORDED, done)
                .set(TRACE_NODES.TERMINAL, false)
                .set(TRACE_NODES.FIRST_SEEN_AT, at)
                .execute();
        db.insertInto(PIPELINE_RUNS)
                .set(PIPELINE_RUNS.UID, id)
                .set(PIPELINE_RUNS.NAMESPACE, "jx")
                .set(PIPELINE_RUNS.NAME, id)
                .set(PIPELINE_RUNS.PIPELINE, "p")
                .set(PIPELINE_RUNS.RESULT, "success")
                .set(PIPELINE_RUNS.COMPLETED_AT, at)
                .set(PIPELINE_RUNS.TRACE_ID, "t-" + id)
                .set(PIPELINE_RUNS.SPAN_ID, id)
                .set(PIPELINE_RUNS.RECORDED_AT, at)
                .execute();
        db.insertInto(RUN_HISTORY)
                .set(RUN_HISTORY.RUN_UID, id)
                .set(RUN_HISTORY.NAMESPACE, "jx")
                .set(RUN_HISTORY.PIPELINE, "p")
                .set(RUN_HISTORY.REPOSITORY, "")
                .set(RUN_HISTORY.BRANCH, "")
                .set(RUN_HISTORY.RUN_NAME, id)
                .set(RUN_HISTORY.RESULT, "success")
                .set(RUN_HISTORY.CREATED_AT, at)
                .set(RUN_HISTORY.STARTED_AT, at)
                .set(RUN_HISTORY.COMPLETED_AT, at)
                .set(RUN_HISTORY.WAITING_MS, 0L)
                .set(RUN_HISTORY.RUNNING_MS, 0L)
                .set(RUN_HISTORY.TRACE_ID, "t-" + id)
                .set(RUN_HISTORY.OUTCOME, "passing")
                .execute();
        db.insertInto(RUN_HISTORY_TASKS)
                .set(RUN_HISTORY_TASKS.RUN_UID, id)
                .set(RUN_HISTORY_TASKS.TASK, "build")
                .set(RUN_HISTORY_TASKS.NAMESPACE, "jx")
                .set(RUN_HISTORY_TASKS.PIPELINE, "p")
                .set(RUN_HISTORY_TASKS.REPOSITORY, "")
                .set(RUN_HISTORY_TASKS.BRANCH, "")
                .set(RUN_HISTORY_TASKS.RESULT, "success")
                .set(RUN_HISTORY_TASKS.COMPLETED_AT, at)
                .set(RUN_HISTORY_TASKS.WAITING_MS, 0L)
                .set(RUN_HISTORY_TASKS.RUNNING_MS, 0L)
                .execute();
        db.insertInto(SPANS)
                .set(SPANS.SPAN_ID, id)
                .set(SPANS.TRACE_ID, "t-" + id)
                .set(SPANS.NAME, "RUN p")
                .set(SPANS.KIND, "SERVER")
                .set(SPANS.START_EPOCH_NANOS, 0L)
                .set(SPANS.END_EPOCH_NANOS, 1L)
                .set(SPANS.ATTRIBUTES, JSONB.valueOf("{}"))
                .set(SPANS.STATUS_CODE, "UNSET")
                .set(SPANS.CREATED_AT, at)
                .set(SPANS.EXPORTED_AT, done ? at : null)
                .execute();
    }
}
