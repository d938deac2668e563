package io.pipelinelens.sensemaker.ingest.internal;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The broker topology the sensemaker relies on. Declaring it here too (not only in the harvester)
 * lets either service start first.
 */
@Configuration(proxyBeanMethods = false)
class IngestMessaging {

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
