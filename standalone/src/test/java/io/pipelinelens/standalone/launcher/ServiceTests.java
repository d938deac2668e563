package io.pipelinelens.standalone.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.ClassUtils;

class ServiceTests {

    private static final PlatformSettings SETTINGS = new PlatformSettings(
            "test-cluster",
            new PlatformSettings.Database("jdbc:postgresql://127.0.0.1:5432/x", "postgres", null),
            new PlatformSettings.Rabbit("127.0.0.1", 5672, "guest", "guest", "obs.abc", "ingest.abc", "classic"),
            new PlatformSettings.Kafka("127.0.0.1:9092", "status.abc", "notifier.abc"),
            "http://127.0.0.1:6443",
            "http://127.0.0.1:4318",
            List.of(new PlatformSettings.NotificationTarget("sink", "http://127.0.0.1:9/hook", "s3cret", List.of())),
            "gh-secret",
            "lh-secret",
            PlatformSettings.Ports.random(),
            Map.of(Service.NOTIFIER, Map.of("logging.level.root", "WARN")));

    @Test
    void excludesOnlyAutoconfigurationsThatExistOnTheClasspath() {
        // A renamed class would silently stop being excluded: every listed name must resolve.
        for (Service service : Service.values()) {
            assertThat(service.excludedAutoConfigurations())
                    .isNotEmpty()
                    .allSatisfy(name -> assertThat(ClassUtils.isPresent(name, null))
                            .as(name)
                            .isTrue());
        }
    }

    @Test
    void keepsEachServiceAwayFromTheTechnologiesItDoesNotUse() {
        assertThat(Service.HARVESTER.excludedAutoConfigurations())
                .containsAll(AutoConfigurations.DATA)
                .containsAll(AutoConfigurations.KAFKA)
                .containsAll(AutoConfigurations.MODULITH)
                .containsAll(AutoConfigurations.GRAPHQL)
                .doesNotContainAnyElementsOf(AutoConfigurations.RABBIT);
        assertThat(Service.NOTIFIER.excludedAutoConfigurations())
                .containsAll(AutoConfigurations.DATA)
                .containsAll(AutoConfigurations.RABBIT)
                .containsAll(AutoConfigurations.GRAPHQL)
                .doesNotContainAnyElementsOf(AutoConfigurations.KAFKA)
                .doesNotContainAnyElementsOf(AutoConfigurations.HTTP_CLIENTS);
        assertThat(Service.SENSEMAKER.excludedAutoConfigurations())
                .doesNotContainAnyElementsOf(AutoConfigurations.DATA)
                .doesNotContainAnyElementsOf(AutoConfigurations.RABBIT)
                .doesNotContainAnyElementsOf(AutoConfigurations.KAFKA)
                .doesNotContainAnyElementsOf(AutoConfigurations.MODULITH)
                .doesNotContainAnyElementsOf(AutoConfigurations.GRAPHQL);
    }

    @Test
    void passesEachServiceTheWireContractPropertiesWithTheSettingsNames() {
        Map<String, Object> harvester = PlatformLauncher.properties(Service.HARVESTER, SETTINGS);
        assertThat(harvester)
                .containsEntry("pipelinelens.harvester.cluster", "test-cluster")
                .containsEntry("pipelinelens.harvester.exchange", "obs.abc")
                .containsEntry("pipelinelens.harvester.kubernetes.master-url", "http://127.0.0.1:6443")
                .containsEntry("pipelinelens.harvester.webhooks.github.secret", "gh-secret")
                .containsEntry("spring.rabbitmq.port", 5672)
                .containsEntry("server.port", 0)
                .doesNotContainKeys("spring.datasource.url", "spring.kafka.bootstrap-servers");

        Map<String, Object> sensemaker = PlatformLauncher.properties(Service.SENSEMAKER, SETTINGS);
        assertThat(sensemaker)
                .containsEntry("pipelinelens.sensemaker.ingest.exchange", "obs.abc")
                .containsEntry("pipelinelens.sensemaker.ingest.queue", "ingest.abc")
                .containsEntry("pipelinelens.sensemaker.ingest.queue-type", "classic")
                .containsEntry("pipelinelens.sensemaker.status.topic", "status.abc")
                .containsEntry("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318")
                .containsEntry("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/x")
                .containsEntry("spring.datasource.password", "")
                .containsEntry("spring.kafka.bootstrap-servers", "127.0.0.1:9092");

        Map<String, Object> notifier = PlatformLauncher.properties(Service.NOTIFIER, SETTINGS);
        assertThat(notifier)
                .containsEntry("pipelinelens.notifier.topic", "status.abc")
                .containsEntry("pipelinelens.notifier.webhooks[0].url", "http://127.0.0.1:9/hook")
                .containsEntry("pipelinelens.notifier.webhooks[0].secret", "s3cret")
                .containsEntry("pipelinelens.notifier.group-id", "notifier.abc")
                .containsEntry("logging.level.root", "WARN")
                .doesNotContainKeys("spring.rabbitmq.host");
    }

    @Test
    void pointsEachServiceAtTheApplicationYamlInItsOwnJar() {
        for (Service service : Service.values()) {
            String location =
                    (String) PlatformLauncher.properties(service, SETTINGS).get("spring.config.location");
            assertThat(location)
                    .startsWith("optional:")
                    .endsWith("application.yaml")
                    .contains(service.id());
        }
    }
}
