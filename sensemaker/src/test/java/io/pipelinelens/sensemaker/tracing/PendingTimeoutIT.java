package io.pipelinelens.sensemaker.tracing;

import static io.pipelinelens.sensemaker.tracing.ExpectedTrace.attributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.trace.v1.Span;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.testing.Fixtures;
import io.pipelinelens.testing.OtlpReceiver;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
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
 * A node whose parent never comes waits for the pending timeout, then goes under the git event it
 * names, or starts a trace of its own (DESIGN §3). The timeout is short here, and only here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PendingTimeoutIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("pending", registry);
        registry.add(
                "pipelinelens.sensemaker.tracing.pending-timeout",
                () -> SensemakerInfrastructure.PENDING_TIMEOUT_FOR_GIVE_UP_TESTS);
        // Longer than placing a batch takes on a loaded machine: a run published with its git event
        // is pending (and keeps the root open) well before the root would close for having no child.
        registry.add("pipelinelens.sensemaker.tracing.root-without-children", () -> "8s");
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

    private final Random random = new Random();

    @Test
    void exportsARunWhoseJobNeverArrivesUnderTheGitEventItNames() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        scenario.deliveries().stream()
                .filter(d -> !d.description().contains("LighthouseJob"))
                .forEach(this::publish);
        ExpectedTrace expected = new ExpectedTrace(scenario);
        String jobSpan = ExpectedTrace.spanId(ExpectedTrace.uid(scenario.job));
        String runSpan = ExpectedTrace.spanId(ExpectedTrace.uid(scenario.run));
        expected.spans.remove(jobSpan);
        ExpectedTrace.ExpectedSpan run = expected.spans.get(runSpan);
        expected.spans.put(
                runSpan,
                new ExpectedTrace.ExpectedSpan(
                        run.spanId(), expected.rootSpanId, run.name(), run.start(), run.end(), run.error()));
        expected.assertTree(expected.awaitSpans(infra.otlp, WAIT));
    }

    @Test
    void exportsARunWithNoFindableParentAsItsOwnTraceAfterThePendingTimeout() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        ObjectNode labels = scenario.run.withObject("metadata").withObject("labels");
        labels.remove("event-GUID");
        String runUid = ExpectedTrace.uid(scenario.run);
        long published = System.nanoTime();
        scenario.deliveries().stream()
                .filter(d -> d.description().startsWith("PipelineRun "))
                .forEach(this::publish);
        String traceId = ExpectedTrace.sha256("trace:resource:" + runUid, 16);
        Span span = awaitSpan(ExpectedTrace.spanId(runUid));
        assertThat(Duration.ofNanos(System.nanoTime() - published))
                .as("it waited for its job first")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(ExpectedTrace.hex(span.getTraceId().toByteArray())).isEqualTo(traceId);
        assertThat(span.getParentSpanId().isEmpty()).as("a root").isTrue();
    }

    @Test
    void closesAGitEventThatStartedNothingWithASpanOfItsOwn() {
        String guid = UUID.randomUUID().toString();
        ObjectNode payload = (ObjectNode) Fixtures.tree("github/push-to-master.json");
        OffsetDateTime received = OffsetDateTime.now().withNano(0);
        publish(new TraceScenario.Delivery(
                Observations.gitHubRoutingKey("push"),
                Observations.gitHubWebhook(guid, "push", payload, received),
                "webhook push"));

        Span root = awaitSpan(ExpectedTrace.sha256("span:git-event:" + guid, 8));
        assertThat(root.getName()).isEqualTo("github push");
        assertThat(root.getParentSpanId().isEmpty()).isTrue();
        assertThat(attributes(root)).containsEntry("pipelinelens.git.delivery", guid);
    }

    private Span awaitSpan(String spanId) {
        List<Span> found = new ArrayList<>();
        await().atMost(WAIT).untilAsserted(() -> {
            found.clear();
            for (OtlpReceiver.ReceivedSpan s : infra.otlp.spans()) {
                if (ExpectedTrace.spanIdOf(s.span()).equals(spanId)) {
                    found.add(s.span());
                }
            }
            assertThat(found).isNotEmpty();
        });
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private void publish(TraceScenario.Delivery delivery) {
        rabbit.send(infra.exchange, delivery.routingKey(), delivery.message());
    }
}
