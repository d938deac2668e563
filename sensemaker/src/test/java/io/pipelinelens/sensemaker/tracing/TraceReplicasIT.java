package io.pipelinelens.sensemaker.tracing;

import static io.pipelinelens.sensemaker.db.Tables.SPANS;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.pipelinelens.sensemaker.SensemakerApplication;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * Replicas share one database and one queue: together they build the same trace one replica
 * builds, recording and exporting each span once; and a replica that stops in the middle of a run
 * leaves nothing behind that its successor cannot finish.
 */
@EmbeddedKafka(partitions = 1)
class TraceReplicasIT {

    private static final Duration WAIT = Duration.ofSeconds(40);

    private SensemakerInfrastructure infra;
    private final Map<String, Supplier<Object>> properties = new LinkedHashMap<>();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @BeforeEach
    void infrastructure() {
        infra = SensemakerInfrastructure.create("replicas", (name, value) -> properties.put(name, value::get));
        // Two listener threads per replica: the events of one run are handled concurrently too.
        properties.put("pipelinelens.sensemaker.ingest.concurrency", () -> "2");
    }

    @AfterEach
    void cleanUp() {
        contexts.forEach(ConfigurableApplicationContext::close);
        infra.close();
    }

    @Test
    void twoReplicasBuildTheTraceOneWouldAndRecordAndExportEachSpanOnce() {
        ConfigurableApplicationContext first = start();
        start();
        List<TraceScenario> scenarios = new ArrayList<>();
        Random random = new Random();
        for (int i = 0; i < 3; i++) {
            scenarios.add(TraceScenario.builder(random)
                    .run("tekton/pipelinerun-v1-lighthouse-multi-task-succeeded.yaml")
                    .taskRun("tekton/taskrun-v1-lighthouse-multi-task-build-succeeded.yaml")
                    .taskRun("tekton/taskrun-v1-lighthouse-multi-task-e2e-succeeded.yaml")
                    .build());
        }
        RabbitTemplate rabbit = first.getBean(RabbitTemplate.class);
        scenarios.forEach(s -> s.deliveries().forEach(d -> rabbit.send(infra.exchange, d.routingKey(), d.message())));

        int expectedSpans = 0;
        for (TraceScenario scenario : scenarios) {
            ExpectedTrace expected = new ExpectedTrace(scenario);
            // awaitSpans fails on a span that arrives twice.
            expected.assertTree(expected.awaitSpans(infra.otlp, WAIT));
            expectedSpans += expected.spans.size();
        }
        assertThat(storedSpans()).as("each span recorded once").isEqualTo(expectedSpans);
    }

    @Test
    void aReplicaThatStopsInTheMiddleOfARunLosesNothing() throws InterruptedException {
        TraceScenario scenario = TraceScenario.builder(new Random())
                .push()
                .run("tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1beta1-lighthouse-postsubmit-succeeded.yaml")
                .withActivity()
                .build();
        List<TraceScenario.Delivery> deliveries = scenario.deliveries();
        ConfigurableApplicationContext first = start();
        RabbitTemplate rabbit = first.getBean(RabbitTemplate.class);
        int half = deliveries.size() / 2;
        // The second half first (children before parents), then the rest, and the replica goes
        // down while it is still working on them.
        deliveries
                .subList(half, deliveries.size())
                .forEach(d -> rabbit.send(infra.exchange, d.routingKey(), d.message()));
        deliveries.subList(0, half).forEach(d -> rabbit.send(infra.exchange, d.routingKey(), d.message()));
        Thread.sleep(250);
        first.close();

        start();
        ExpectedTrace expected = new ExpectedTrace(scenario);
        List<Span> spans = expected.awaitSpans(infra.otlp, WAIT);
        expected.assertTree(spans);
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

    private int storedSpans() {
        try (Connection connection = infra.database.connect()) {
            return DSL.using(connection, SQLDialect.POSTGRES).fetchCount(SPANS);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
