package io.pipelinelens.sensemaker.tracing;

import static io.pipelinelens.sensemaker.db.Tables.TRACE_NODES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.trace.v1.Span;
import io.pipelinelens.sensemaker.SensemakerApplication;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * The sensemaker's process is killed (SIGKILL: no shutdown hook, no graceful stop) in the middle
 * of a scenario; after a restart the collector has exactly the spans of an uninterrupted run. A
 * span sent just before the kill may arrive twice (delivery is at-least-once), identical.
 */
@EmbeddedKafka(partitions = 1)
class TraceCrashIT {

    private static final Duration WAIT = Duration.ofMinutes(3);
    /** A JVM of its own starts slowly on a busy 2-core machine: a bound, not a timing. */
    private static final Duration START = Duration.ofMinutes(6);

    private SensemakerInfrastructure infra;
    private final Map<String, Supplier<Object>> properties = new LinkedHashMap<>();
    private Process child;
    private ConfigurableApplicationContext restarted;

    @BeforeEach
    void infrastructure() {
        infra = SensemakerInfrastructure.create("crash", (name, value) -> properties.put(name, value::get));
        properties.put("pipelinelens.sensemaker.ingest.concurrency", () -> "2");
    }

    @AfterEach
    void cleanUp() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (restarted != null) {
            restarted.close();
        }
        infra.close();
    }

    @Test
    void aSensemakerKilledInTheMiddleOfAScenarioLosesNothingAfterARestart() throws Exception {
        List<TraceScenario> scenarios = new ArrayList<>();
        Random random = new Random(31_337);
        for (int i = 0; i < 3; i++) {
            scenarios.add(TraceScenario.builder(random)
                    .run("tekton/pipelinerun-v1-lighthouse-multi-task-succeeded.yaml")
                    .taskRun("tekton/taskrun-v1-lighthouse-multi-task-build-succeeded.yaml")
                    .taskRun("tekton/taskrun-v1-lighthouse-multi-task-e2e-succeeded.yaml")
                    .build());
        }
        List<TraceScenario.Delivery> deliveries = new ArrayList<>();
        scenarios.forEach(s -> deliveries.addAll(s.deliveries()));

        child = startChild();
        try (Connection db = infra.database.connect()) {
            await().atMost(START)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> !child.isAlive() || queueHasConsumer(db));
            assertThat(child.isAlive()).as("the sensemaker started").isTrue();
            RabbitTemplate rabbit = rabbit();
            int half = deliveries.size() / 2;
            // Children first, then the parents; the process dies while it works on them.
            deliveries
                    .subList(half, deliveries.size())
                    .forEach(d -> rabbit.send(infra.exchange, d.routingKey(), d.message()));
            await().atMost(WAIT).until(() -> DSL.using(db, SQLDialect.POSTGRES).fetchCount(TRACE_NODES) > 0);
            deliveries.subList(0, half).forEach(d -> rabbit.send(infra.exchange, d.routingKey(), d.message()));
            await().atMost(WAIT).until(() -> DSL.using(db, SQLDialect.POSTGRES).fetchCount(TRACE_NODES) > 10);
            child.destroyForcibly().waitFor();
            ((CachingConnectionFactory) rabbit.getConnectionFactory()).destroy();
        }

        restarted = startInProcess();
        Map<String, Span> expected = new HashMap<>();
        for (TraceScenario scenario : scenarios) {
            ExpectedTrace trace = new ExpectedTrace(scenario);
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(trace.received(infra.otlp).stream()
                                    .map(ExpectedTrace::spanIdOf)
                                    .distinct()
                                    .toList())
                            .containsExactlyInAnyOrderElementsOf(trace.spans.keySet()));
            List<Span> received = trace.received(infra.otlp);
            for (Span span : received) {
                Span earlier = expected.putIfAbsent(ExpectedTrace.spanIdOf(span), span);
                assertThat(earlier == null || earlier.equals(span))
                        .as("a span sent twice is the same span")
                        .isTrue();
            }
            trace.assertTree(received.stream()
                    .filter(s -> expected.get(ExpectedTrace.spanIdOf(s)) == s)
                    .toList());
        }
    }

    /** The sensemaker in a JVM of its own, on this test's classpath and infrastructure. */
    private Process startChild() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", classpath()));
        command.add(SensemakerApplication.class.getName());
        properties.forEach((name, value) -> command.add("--" + name + "=" + value.get()));
        command.add("--server.port=0");
        Path log = Files.createTempFile("sensemaker-crash", ".log");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /**
     * The test JVM's classpath; under Failsafe that may be a manifest-only jar, whose Class-Path
     * a child JVM reads just as well.
     */
    private static String classpath() {
        return String.join(
                File.pathSeparator, System.getProperty("java.class.path").split(File.pathSeparator));
    }

    private ConfigurableApplicationContext startInProcess() {
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value.get()));
        args.add("--server.port=0");
        return new SpringApplicationBuilder(SensemakerApplication.class).run(args.toArray(String[]::new));
    }

    private RabbitTemplate rabbit() {
        var broker = io.pipelinelens.testing.LocalRabbit.broker();
        CachingConnectionFactory connections = new CachingConnectionFactory(broker.host(), broker.port());
        connections.setUsername(broker.username());
        connections.setPassword(broker.password());
        return new RabbitTemplate(connections);
    }

    /** The child declared its queue and took its place on it: migrations ran, listeners are up. */
    private boolean queueHasConsumer(Connection db) {
        try {
            return DSL.using(db, SQLDialect.POSTGRES).fetchCount(DSL.table("flyway_schema_history")) > 0
                    && rabbitConsumers() > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private int rabbitConsumers() {
        var broker = io.pipelinelens.testing.LocalRabbit.broker();
        CachingConnectionFactory connections = new CachingConnectionFactory(broker.host(), broker.port());
        connections.setUsername(broker.username());
        connections.setPassword(broker.password());
        try {
            return connections.createConnection().createChannel(false).consumerCount(infra.queue) > 0 ? 1 : 0;
        } catch (Exception e) {
            return 0;
        } finally {
            connections.destroy();
        }
    }
}
