package io.pipelinelens.sensemaker.status.internal;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StatusKafkaConfiguration {

    /**
     * The producer's waits come from {@code status.producer.*} and win over
     * {@code spring.kafka.producer.properties}: Kafka's defaults (a minute for metadata, two for a
     * delivery) would keep the publisher's thread and transaction that long per attempt.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer statusProducerBounds(StatusProperties properties) {
        StatusProperties.Producer producer = properties.status().producer();
        return factory -> factory.updateConfigs(Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, producer.maxBlock().toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        Math.toIntExact(producer.requestTimeout().toMillis()),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        Math.toIntExact(producer.deliveryTimeout().toMillis())));
    }
}
