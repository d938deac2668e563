package io.pipelinelens.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class NotifierPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(NotifierProperties.class)
    static class Props {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Props.class)
            .withConfiguration(AutoConfigurations.of());

    @Test
    void hasTheDocumentedDefaults() {
        runner.run(context -> {
            NotifierProperties properties = context.getBean(NotifierProperties.class);
            assertThat(properties.topic()).isEqualTo("pipeline-lens.status");
            assertThat(properties.deadLetterTopic()).isEqualTo("pipeline-lens.status.dlt");
            assertThat(properties.groupId()).isEqualTo("pipeline-lens-notifier");
            assertThat(properties.webhooks()).isEmpty();
            assertThat(properties.retry().maxAttempts()).isEqualTo(3);
            assertThat(properties.retry().initialBackoff()).hasMillis(200);
        });
    }

    @Test
    void bindsAWebhook() {
        runner.withPropertyValues(
                        "pipelinelens.notifier.webhooks[0].name=ci",
                        "pipelinelens.notifier.webhooks[0].url=https://ci.example.com/hook",
                        "pipelinelens.notifier.webhooks[0].secret=s3cret",
                        "pipelinelens.notifier.webhooks[0].types=dev.cdevents.pipelinerun.finished.0.3.0")
                .run(context -> {
                    NotifierProperties.Webhook webhook =
                            context.getBean(NotifierProperties.class).webhooks().getFirst();
                    assertThat(webhook.wants("dev.cdevents.pipelinerun.finished.0.3.0"))
                            .isTrue();
                    assertThat(webhook.wants("dev.cdevents.taskrun.finished.0.3.0"))
                            .isFalse();
                });
    }

    @Test
    void refusesToStartWithAWebhookWithoutSecret() {
        runner.withPropertyValues(
                        "pipelinelens.notifier.webhooks[0].name=ci",
                        "pipelinelens.notifier.webhooks[0].url=https://ci.example.com/hook")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("pipelinelens.notifier.webhooks[0].secret is required (webhook 'ci')"));
    }

    @Test
    void refusesToStartWithAWebhookWithoutUrl() {
        runner.withPropertyValues(
                        "pipelinelens.notifier.webhooks[0].name=ci", "pipelinelens.notifier.webhooks[0].secret=s")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("pipelinelens.notifier.webhooks[0].url is required (webhook 'ci')"));
    }

    @Test
    void refusesATypeOutsideTheStatusCatalog() {
        runner.withPropertyValues(
                        "pipelinelens.notifier.webhooks[0].name=ci",
                        "pipelinelens.notifier.webhooks[0].url=https://ci.example.com/hook",
                        "pipelinelens.notifier.webhooks[0].secret=s",
                        "pipelinelens.notifier.webhooks[0].types=dev.cdevents.pipelinerun.finshed.0.3.0")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("not a status event type of the catalog"));
    }
}
