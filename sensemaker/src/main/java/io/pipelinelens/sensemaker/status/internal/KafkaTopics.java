package io.pipelinelens.sensemaker.status.internal;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

@Configuration(proxyBeanMethods = false)
class KafkaTopics {

    /** Created when missing (Spring Kafka's admin leaves an existing topic alone). */
    @Bean
    NewTopic statusTopic(StatusProperties properties) {
        return TopicBuilder.name(properties.status().topic())
                .partitions(properties.status().partitions())
                .replicas(properties.status().replicas())
                .build();
    }
}
