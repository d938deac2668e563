package io.pipelinelens.harvester.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.harvester.HarvesterProperties;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PublishingConfiguration {

    /** Declared durable by the harvester too, so it can publish before any consumer has started. */
    @Bean
    TopicExchange observationsExchange(HarvesterProperties properties) {
        return new TopicExchange(properties.exchange(), true, false);
    }

    /**
     * Correlated confirms and returns are what make "published" mean "the broker has it"; they are set
     * here rather than left to {@code spring.rabbitmq.*} so that no configuration can switch them off.
     */
    @Bean
    static BeanPostProcessor publisherConfirms() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof CachingConnectionFactory factory) {
                    factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
                    factory.setPublisherReturns(true);
                }
                return bean;
            }
        };
    }

    @Bean
    RabbitEventPublisher rabbitEventPublisher(
            ConnectionFactory connectionFactory, HarvesterProperties properties, MeterRegistry meters) {
        return new RabbitEventPublisher(connectionFactory, properties, meters);
    }

    @Bean
    Observations observations(
            EventPublisher publisher,
            ApplicationEventPublisher events,
            HarvesterProperties properties,
            MeterRegistry meters) {
        return new Observations(publisher, events, properties, meters);
    }

    @Bean
    BrokerHealthIndicator brokerHealthIndicator(
            ConnectionFactory connectionFactory, EventPublisher publisher, Observations observations) {
        return new BrokerHealthIndicator(connectionFactory, publisher, observations);
    }
}
