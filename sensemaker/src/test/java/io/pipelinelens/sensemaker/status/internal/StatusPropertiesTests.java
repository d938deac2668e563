package io.pipelinelens.sensemaker.status.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class StatusPropertiesTests {

    @Test
    void defaultsBoundEveryWait() {
        StatusProperties.Status status = bind(Map.of()).status();

        assertThat(status.topic()).isEqualTo("pipeline-lens.status");
        assertThat(status.producer().maxBlock()).isEqualTo(Duration.ofSeconds(5));
        assertThat(status.producer().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(status.producer().deliveryTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(status.outbox().maxAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(status.outbox().retention()).isEqualTo(Duration.ofDays(1));
        assertThat(status.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(status.retry().maxBackoff()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void bindsTheProducerBounds() {
        StatusProperties.Producer producer = bind(Map.of(
                        "pipelinelens.sensemaker.status.producer.max-block", "1s",
                        "pipelinelens.sensemaker.status.producer.request-timeout", "2s",
                        "pipelinelens.sensemaker.status.producer.delivery-timeout", "3s"))
                .status()
                .producer();

        assertThat(producer.maxBlock()).isEqualTo(Duration.ofSeconds(1));
        assertThat(producer.deliveryTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(producer.outcomeTimeout())
                .isGreaterThan(producer.deliveryTimeout().plus(producer.maxBlock()));
    }

    @Test
    void refusesADeliveryTimeoutShorterThanTheRequestTimeoutNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of(
                        "pipelinelens.sensemaker.status.producer.request-timeout", "10s",
                        "pipelinelens.sensemaker.status.producer.delivery-timeout", "5s")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("pipelinelens.sensemaker.status.producer.delivery-timeout");
    }

    @Test
    void refusesUnboundedOrEmptyValues() {
        assertThatThrownBy(() -> bind(Map.of("pipelinelens.sensemaker.status.producer.max-block", "0s")))
                .rootCause()
                .hasMessageContaining("max-block");
        assertThatThrownBy(() -> bind(Map.of("pipelinelens.sensemaker.status.outbox.max-age", "0s")))
                .rootCause()
                .hasMessageContaining("max-age");
        assertThatThrownBy(() -> bind(Map.of("pipelinelens.sensemaker.status.outbox.keys-per-round", "0")))
                .rootCause()
                .hasMessageContaining("keys-per-round");
        assertThatThrownBy(() -> bind(Map.of("pipelinelens.sensemaker.status.retry.multiplier", "0.5")))
                .rootCause()
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> bind(Map.of("pipelinelens.sensemaker.status.trace-url-template", "http://x/")))
                .rootCause()
                .hasMessageContaining("{traceId}");
    }

    @Test
    void backsOffExponentiallyUpToTheMaximum() {
        StatusProperties.Retry retry = new StatusProperties.Retry(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1));

        assertThat(retry.delayAfter(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(retry.delayAfter(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(retry.delayAfter(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(retry.delayAfter(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(retry.delayAfter(1_000)).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> retry.delayAfter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static StatusProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("pipelinelens.sensemaker", StatusProperties.class);
    }
}
