package io.pipelinelens.notifier.intake;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/** Down when the status-topic consumer is not running (stopped, or never started). */
public class StatusListenerHealthIndicator implements HealthIndicator {

    private final KafkaListenerEndpointRegistry registry;
    private final String topic;

    public StatusListenerHealthIndicator(KafkaListenerEndpointRegistry registry, String topic) {
        this.registry = registry;
        this.topic = topic;
    }

    @Override
    public Health health() {
        MessageListenerContainer container = registry.getListenerContainer(KafkaStatusListener.LISTENER_ID);
        if (container == null) {
            return Health.unknown().withDetail("topic", topic).build();
        }
        Health.Builder health = container.isRunning() ? Health.up() : Health.down();
        return health.withDetail("topic", topic)
                .withDetail("assignedPartitions", String.valueOf(container.getAssignedPartitions()))
                .build();
    }
}
