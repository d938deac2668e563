package io.pipelinelens.sensemaker.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.testing.OtlpReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * Watches are not ordered across kinds and delivery is at-least-once: whatever the order in which
 * a run's CloudEvents arrive, and however often, the spans are the same, byte for byte.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TraceOrderIndependenceIT {

    private static final int PERMUTATIONS = 10;
    private static final Duration WAIT = Duration.ofSeconds(30);

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("order", registry);
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
    DSLContext db;

    @Test
    void theSameSpansWhateverTheOrderAndDuplicatesOfTheEvents() {
        // Seeded: the same scenario (same uids) every permutation, and a failure can be replayed.
        TraceScenario scenario = TraceScenario.builder(new Random(20_261_122))
                .push()
                .run("tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1beta1-lighthouse-postsubmit-succeeded.yaml")
                .withActivity()
                .build();
        // Tekton's own Events: two about the run in the same second, so only the tie-break orders them.
        Instant runStart = TraceScenario.instant(scenario.run.path("status").path("startTime"));
        scenario.addTektonEvent(scenario.run, "Started", "", runStart);
        scenario.addTektonEvent(
                scenario.run, "Running", "Tasks Completed: 0 (Failed: 0, Cancelled 0), Skipped: 0", runStart);
        ObjectNode taskRun = scenario.taskRuns.getFirst();
        scenario.addTektonEvent(
                taskRun,
                "Succeeded",
                "All Steps have completed executing",
                TraceScenario.instant(taskRun.path("status").path("completionTime")));
        List<TraceScenario.Delivery> deliveries = scenario.deliveries();
        ExpectedTrace expected = new ExpectedTrace(scenario);
        Random shuffles = new Random(42);

        List<byte[]> baseline = null;
        for (int permutation = 0; permutation < PERMUTATIONS; permutation++) {
            forgetEverything();
            List<TraceScenario.Delivery> order = new ArrayList<>(deliveries);
            // Redeliveries: a few events twice, somewhere else in the stream.
            for (int i = 0; i < 4; i++) {
                order.add(deliveries.get(shuffles.nextInt(deliveries.size())));
            }
            Collections.shuffle(order, shuffles);
            int before = infra.otlp.spans().size();
            order.forEach(d -> rabbit.send(infra.exchange, d.routingKey(), d.message()));

            List<Span> spans = expected.awaitSpans(() -> since(before), WAIT);
            if (permutation == 0) {
                expected.assertTree(spans);
                assertThat(ExpectedTrace.named(spans, "RUN jstrachan/nodey532/release")
                                .getEventsList())
                        .extracting(Span.Event::getName)
                        .containsExactlyInAnyOrder("Started", "Running");
                assertThat(ExpectedTrace.named(spans, "TASK from-build-pack").getEventsList())
                        .extracting(Span.Event::getName)
                        .containsExactly("Succeeded");
            }
            List<byte[]> encoded = spans.stream()
                    .sorted(Comparator.comparing(ExpectedTrace::spanIdOf))
                    .map(Span::toByteArray)
                    .toList();
            if (baseline == null) {
                baseline = encoded;
            } else {
                assertThat(hex(encoded))
                        .as(
                                "spans of permutation %d (%s)",
                                permutation,
                                order.stream()
                                        .map(TraceScenario.Delivery::description)
                                        .toList())
                        .containsExactlyElementsOf(hex(baseline));
            }
        }
    }

    /** A clean state: as if the sensemaker had never seen the scenario. */
    private void forgetEverything() {
        db.execute("truncate trace_nodes, spans, resource_snapshots, received_events, git_webhooks, pipeline_runs");
    }

    private static List<OtlpReceiver.ReceivedSpan> since(int index) {
        List<OtlpReceiver.ReceivedSpan> all = infra.otlp.spans();
        return all.subList(Math.min(index, all.size()), all.size());
    }

    private static List<String> hex(List<byte[]> spans) {
        return spans.stream().map(HexFormat.of()::formatHex).toList();
    }
}
