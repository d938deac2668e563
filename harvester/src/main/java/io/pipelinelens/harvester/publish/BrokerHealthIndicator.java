package io.pipelinelens.harvester.publish;

import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN while the broker cannot be reached, or while events wait because the last send failed; the
 * details show how many events are held and how many were dropped.
 */
class BrokerHealthIndicator implements HealthIndicator {

    private final ConnectionFactory connectionFactory;
    private final EventPublisher publisher;
    private final Observations observations;

    BrokerHealthIndicator(ConnectionFactory connectionFactory, EventPublisher publisher, Observations observations) {
        this.connectionFactory = connectionFactory;
        this.publisher = publisher;
        this.observations = observations;
    }

    @Override
    public Health health() {
        int depth = observations.depth();
        Health.Builder health = reachable() && (publisher.connected() || depth == 0) ? Health.up() : Health.down();
        return health.withDetail("buffered", depth)
                .withDetail("dropped", observations.dropped())
                .build();
    }

    private boolean reachable() {
        try {
            Connection connection = connectionFactory.createConnection();
            return connection.isOpen();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
