package io.pipelinelens.notifier.intake;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.notifier.NotifierProperties;
import io.pipelinelens.notifier.delivery.Deliveries;
import io.pipelinelens.notifier.delivery.DeliveryFailedException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The status-topic consumer and its dead letter. The Kafka clients are built here from {@code
 * spring.kafka.*} but not exposed as beans, so that Boot's own KafkaTemplate and consumer factory
 * stay as they are for whatever else shares the JVM or context.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafka
class KafkaIntakeConfiguration {

    static final String CONTAINER_FACTORY = "notifierStatusContainerFactory";

    @Bean
    StatusEventReader statusEventReader() {
        return new StatusEventReader();
    }

    @Bean
    KafkaStatusListener kafkaStatusListener(
            NotifierProperties properties, StatusEventReader reader, Deliveries deliveries) {
        return new KafkaStatusListener(properties, reader, deliveries);
    }

    @Bean
    KafkaDeadLetters kafkaDeadLetters(
            NotifierProperties properties,
            KafkaProperties kafka,
            ObjectProvider<KafkaConnectionDetails> connection,
            MeterRegistry meters) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        bootstrap(config, connection.getIfAvailable(), true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaDeadLetters(properties.deadLetterTopic(), new DefaultKafkaProducerFactory<>(config), meters);
    }

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> notifierStatusContainerFactory(
            NotifierProperties properties,
            KafkaProperties kafka,
            ObjectProvider<KafkaConnectionDetails> connection,
            KafkaDeadLetters deadLetters) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        bootstrap(config, connection.getIfAvailable(), false);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.groupId());
        // Offsets are committed by the container, after a record's deliveries finished.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group starts from the beginning: a missed notification is worse than an old one.
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Raw bytes: a value that is not a CloudEvent must reach our code (and the DLT), not a deserializer.
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

        ConcurrentKafkaListenerContainerFactory<byte[], byte[]> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config));
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.RECORD);
        factory.setCommonErrorHandler(errorHandler(deadLetters));
        return factory;
    }

    @Bean
    StatusListenerHealthIndicator statusListenerHealthIndicator(
            KafkaListenerEndpointRegistry registry, NotifierProperties properties) {
        return new StatusListenerHealthIndicator(registry, properties.topic());
    }

    /**
     * Unreadable records and failed deliveries go straight to the dead letter (channels retry on
     * their own); anything unexpected gets two more tries first.
     */
    static DefaultErrorHandler errorHandler(KafkaDeadLetters deadLetters) {
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, new FixedBackOff(1_000L, 2L));
        handler.addNotRetryableExceptions(InvalidStatusEventException.class, DeliveryFailedException.class);
        // KafkaDeadLetters logs each dead letter at WARN; the handler's own ERROR would repeat it.
        handler.setLogLevel(KafkaException.Level.DEBUG);
        return handler;
    }

    private static void bootstrap(Map<String, Object> config, KafkaConnectionDetails connection, boolean producer) {
        if (connection == null) {
            return;
        }
        List<String> servers = producer
                ? connection.getProducer().getBootstrapServers()
                : connection.getConsumer().getBootstrapServers();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", servers));
    }
}
