package io.pipelinelens.sensemaker.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.trace.v1.Span;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.testing.OtlpReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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

/**
 * Sibling jobs of one git event share repository, branch and build number; only their owner
 * references (and contexts) tell their runs apart. Whatever the order things arrive in, every run
 * ends up under its own job (DESIGN §3: the strongest key decides).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SiblingPlacementIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RUN = "tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml";
    private static final String TASK = "tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml";

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("siblings", registry);
        // Long enough that no node gives up waiting while a test holds its parent back.
        registry.add("pipelinelens.sensemaker.tracing.pending-timeout", () -> "5m");
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
    void aRunWaitsForTheJobItsOwnerNamesNotForTheSiblingThatSharesItsLabels() {
        Random random = new Random(8_001);
        TraceScenario first =
                TraceScenario.builder(random).run(RUN).taskRun(TASK).build();
        TraceScenario sibling = TraceScenario.builder(random)
                .siblingOf(first, "unit-tests")
                .run(RUN)
                .taskRun(TASK)
                .build();
        int before = infra.otlp.spans().size();

        // Everything but the first job: the sibling job is there, the first job's run arrives
        // before its own job and is stored before it.
        List<TraceScenario.Delivery> withheld = new ArrayList<>();
        for (TraceScenario scenario : List.of(first, sibling)) {
            for (TraceScenario.Delivery d : scenario.deliveries()) {
                if (scenario == first && d.description().contains("LighthouseJob")) {
                    withheld.add(d);
                } else {
                    send(d);
                }
            }
        }
        String runUid = ExpectedTrace.uid(first.run);
        await().atMost(WAIT)
                .until(() -> db.fetchExists(
                        db.selectOne().from("trace_nodes").where("uid = ? and state = 'pending'", runUid)));
        withheld.forEach(this::send);

        assertPlaced(List.of(first, sibling), before);
    }

    @Test
    void theSameTreeWhateverTheOrderForSiblingJobsAndPipelinesReusedAcrossEvents() {
        Random random = new Random(8_002);
        List<TraceScenario> scenarios = new ArrayList<>();
        for (int event = 0; event < 2; event++) {
            TraceScenario first =
                    TraceScenario.builder(random).run(RUN).taskRun(TASK).build();
            scenarios.add(first);
            scenarios.add(TraceScenario.builder(random)
                    .siblingOf(first, "unit-tests")
                    .run(RUN)
                    .taskRun(TASK)
                    .build());
            scenarios.add(TraceScenario.builder(random)
                    .siblingOf(first, "e2e")
                    .run(RUN)
                    .taskRun(TASK)
                    .build());
        }
        List<TraceScenario.Delivery> deliveries = new ArrayList<>();
        scenarios.forEach(s -> deliveries.addAll(s.deliveries()));
        Random shuffles = new Random(42);

        List<List<TraceScenario.Delivery>> orders = new ArrayList<>();
        List<TraceScenario.Delivery> childrenFirst = new ArrayList<>(deliveries);
        Collections.reverse(childrenFirst);
        orders.add(childrenFirst);
        for (int i = 0; i < 3; i++) {
            List<TraceScenario.Delivery> shuffled = new ArrayList<>(deliveries);
            for (int d = 0; d < 6; d++) {
                shuffled.add(deliveries.get(shuffles.nextInt(deliveries.size())));
            }
            Collections.shuffle(shuffled, shuffles);
            orders.add(shuffled);
        }
        for (List<TraceScenario.Delivery> order : orders) {
            db.execute("truncate trace_nodes, spans, resource_snapshots, received_events, git_webhooks, pipeline_runs");
            int before = infra.otlp.spans().size();
            order.forEach(this::send);
            assertPlaced(scenarios, before);
        }
    }

    /**
     * Every span of every scenario under its expected parent with its expected times; one root per
     * git event, containing all of it; nothing else.
     */
    private void assertPlaced(List<TraceScenario> scenarios, int before) {
        Map<String, ExpectedTrace.ExpectedSpan> expected = new LinkedHashMap<>();
        Set<String> roots = new LinkedHashSet<>();
        for (TraceScenario scenario : scenarios) {
            ExpectedTrace trace = new ExpectedTrace(scenario);
            roots.add(trace.rootSpanId);
            trace.spans.values().stream()
                    .filter(s -> !s.spanId().equals(trace.rootSpanId))
                    .forEach(s -> expected.put(s.spanId(), s));
        }
        Set<String> all = new LinkedHashSet<>(expected.keySet());
        all.addAll(roots);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(received(before).stream()
                                .map(ExpectedTrace::spanIdOf)
                                .toList())
                        .containsAll(all));
        List<Span> received = received(before);
        assertThat(received.stream().map(ExpectedTrace::spanIdOf).toList())
                .as("each span exported once, and no other")
                .containsExactlyInAnyOrderElementsOf(all);
        ExpectedTrace.assertContainment(received);
        for (Span span : received) {
            ExpectedTrace.ExpectedSpan want = expected.get(ExpectedTrace.spanIdOf(span));
            if (want == null) {
                continue; // a root: its extent is that of all its jobs
            }
            assertThat(
                            span.getParentSpanId().isEmpty()
                                    ? null
                                    : ExpectedTrace.hex(span.getParentSpanId().toByteArray()))
                    .as("parent of %s", want.name())
                    .isEqualTo(want.parentSpanId());
            assertThat(span.getName()).isEqualTo(want.name());
            assertThat(span.getStartTimeUnixNano())
                    .as("start of %s", want.name())
                    .isEqualTo(ExpectedTrace.nanos(want.start()));
            assertThat(span.getEndTimeUnixNano())
                    .as("end of %s", want.name())
                    .isEqualTo(ExpectedTrace.nanos(want.end()));
        }
    }

    private void send(TraceScenario.Delivery delivery) {
        rabbit.send(infra.exchange, delivery.routingKey(), delivery.message());
    }

    private static List<Span> received(int index) {
        List<OtlpReceiver.ReceivedSpan> all = infra.otlp.spans();
        return all.subList(Math.min(index, all.size()), all.size()).stream()
                .map(OtlpReceiver.ReceivedSpan::span)
                .sorted(Comparator.comparing(ExpectedTrace::spanIdOf))
                .toList();
    }
}
