package io.pipelinelens.sensemaker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Health goes DOWN while ingest is stuck with messages waiting, and UP again once it moves. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class IngestHealthIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("ingesthealth", registry);
        registry.add("pipelinelens.sensemaker.ingest.stuck-after", () -> "3s");
        registry.add("pipelinelens.sensemaker.ingest.batch-size", () -> "10");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Infrastructure {
        @Bean
        static BeanFactoryPostProcessor closeInfrastructureAfterTheApplication() {
            return infra.closedAfterTheApplication();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void reportsIngestDownWhileItCannotStoreAndUpOnceItCan() throws Exception {
        await().atMost(WAIT).until(() -> "UP".equals(ingest().path("status").asString()));
        try (Connection connection = infra.database.connect()) {
            connection.setAutoCommit(false);
            try (Statement lock = connection.createStatement()) {
                // Ingest cannot write while this transaction holds the table.
                lock.execute("lock table received_events in access exclusive mode");
            }
            // More than the consumer prefetches (twice the batch size): the rest waits on the queue.
            for (int i = 0; i < 40; i++) {
                publishRun();
            }
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(ingest().path("status").asString()).isEqualTo("DOWN"));
            connection.rollback();
        }
        await().atMost(WAIT).until(() -> "UP".equals(ingest().path("status").asString()));
    }

    private void publishRun() {
        ObjectNode run = Observations.fixture("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml");
        ((ObjectNode) run.path("metadata")).put("uid", UUID.randomUUID().toString());
        rabbit.send(infra.exchange, Observations.routingKey(run), Observations.applied(run));
    }

    private JsonNode ingest() {
        String body = RestClient.create("http://localhost:" + port)
                .get()
                .uri("/actuator/health/ingest")
                .retrieve()
                .onStatus(status -> true, (request, response) -> {})
                .body(String.class);
        return json.readTree(body);
    }
}
