package io.pipelinelens.sensemaker.ingest.internal;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.amqp.autoconfigure.SimpleRabbitListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The broker topology the sensemaker relies on. Declaring it here too (not only in the harvester)
 * lets either service start first.
 */
@Configuration(proxyBeanMethods = false)
class IngestMessaging {

    /** The listener container factory that hands the ingest whole batches of messages. */
    static final String BATCHES = "observationBatches";

    @Bean(BATCHES)
    SimpleRabbitListenerContainerFactory observationBatches(
            SimpleRabbitListenerContainerFactoryConfigurer configurer,
            ConnectionFactory connections,
            IngestProperties properties) {
        SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
        configurer.configure(factory, connections);
        factory.setBatchListener(true);
        factory.setConsumerBatchEnabled(true);
        factory.setBatchSize(properties.batchSize());
        factory.setBatchReceiveTimeout(properties.batchWait().toMillis());
        // Each receive waits this long too; at its default (1 s) a partial batch would wait that long.
        factory.setReceiveTimeout(properties.batchWait().toMillis());
        // A batch can only fill up from messages the broker has already sent.
        factory.setPrefetchCount(2 * properties.batchSize());
        return factory;
    }

    @Bean
    Declarables ingestTopology(IngestProperties properties) {
        TopicExchange observations = new TopicExchange(properties.exchange(), true, false);
        FanoutExchange deadLetters = new FanoutExchange(properties.deadLetterExchange(), true, false);
        QueueBuilder builder = QueueBuilder.durable(properties.queue());
        if (properties.brokerDeadLettering()) {
            builder = builder.deadLetterExchange(deadLetters.getName());
        }
        if (properties.queueType() == IngestProperties.QueueType.QUORUM) {
            builder = builder.quorum();
        }
        Queue queue = builder.build();
        Queue deadLetterQueue =
                QueueBuilder.durable(properties.deadLetterQueue()).build();
        Binding resources = BindingBuilder.bind(queue).to(observations).with("resource.#");
        Binding webhooks = BindingBuilder.bind(queue).to(observations).with("webhook.#");
        Binding dead = BindingBuilder.bind(deadLetterQueue).to(deadLetters);
        return new Declarables(observations, deadLetters, queue, deadLetterQueue, resources, webhooks, dead);
    }
}
