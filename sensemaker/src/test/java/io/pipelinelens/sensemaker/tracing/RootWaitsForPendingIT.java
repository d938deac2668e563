package io.pipelinelens.sensemaker.tracing;

import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import java.time.Duration;
import java.util.Random;
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
 * A git event whose run waits for a job that never comes: the root would close for having no child
 * long before the run gives up on its job, yet it stays open until the run hangs under it, so that
 * its span contains the run's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RootWaitsForPendingIT {

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("rootwaits", registry);
        registry.add("pipelinelens.sensemaker.tracing.pending-timeout", () -> "6s");
        registry.add("pipelinelens.sensemaker.tracing.root-without-children", () -> "1s");
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

    @Test
    void aGitEventStaysOpenWhileARunThatWouldFallBackToItWaitsForItsJob() {
        TraceScenario scenario = TraceScenario.builder(new Random())
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        scenario.deliveries().stream()
                .filter(d -> !d.description().contains("LighthouseJob"))
                .forEach(d -> rabbit.send(infra.exchange, d.routingKey(), d.message()));
        ExpectedTrace expected = new ExpectedTrace(scenario);
        String jobSpan = ExpectedTrace.spanId(ExpectedTrace.uid(scenario.job));
        String runSpan = ExpectedTrace.spanId(ExpectedTrace.uid(scenario.run));
        expected.spans.remove(jobSpan);
        ExpectedTrace.ExpectedSpan run = expected.spans.get(runSpan);
        expected.spans.put(
                runSpan,
                new ExpectedTrace.ExpectedSpan(
                        run.spanId(), expected.rootSpanId, run.name(), run.start(), run.end(), run.error()));
        // assertTree checks that every span lies within its parent, the root's too.
        expected.assertTree(expected.awaitSpans(infra.otlp, Duration.ofSeconds(60)));
    }
}
