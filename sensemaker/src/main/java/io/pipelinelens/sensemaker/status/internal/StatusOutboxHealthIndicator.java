package io.pipelinelens.sensemaker.status.internal;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code statusOutbox} health: DOWN while the oldest status event waiting for Kafka is older
 * than {@code status.outbox.max-age} — Kafka has been away that long, or a key keeps failing. A
 * short outage only delays events and leaves it UP.
 */
@Component
class StatusOutboxHealthIndicator implements HealthIndicator {

    private final StatusOutbox outbox;
    private final Duration maxAge;

    StatusOutboxHealthIndicator(StatusOutbox outbox, StatusProperties properties) {
        this.outbox = outbox;
        this.maxAge = properties.status().outbox().maxAge();
    }

    @Override
    public Health health() {
        Backlog backlog = outbox.backlog();
        Health.Builder health = backlog.stuck(maxAge) ? Health.down() : Health.up();
        health.withDetail("waiting", backlog.size())
                .withDetail("oldestAge", backlog.oldestAge().toString())
                .withDetail("maxAge", maxAge.toString())
                .withDetail("failingKeys", backlog.failingKeys());
        if (backlog.lastError() != null) {
            health.withDetail("lastError", backlog.lastError());
        }
        return health.build();
    }
}
