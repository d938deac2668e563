package io.pipelinelens.sensemaker.ingest.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * DOWN when ingest is stuck: messages wait on the ingest queue and none was handled (stored,
 * found a duplicate or parked) for {@code ingest.stuck-after}. An empty queue with nothing to do
 * is UP.
 */
@Component("ingest")
class IngestHealth implements HealthIndicator {

    private final AmqpAdmin admin;
    private final IngestProperties properties;
    private final MeterRegistry meters;
    private double lastHandled = -1;
    private Instant lastProgress = Instant.now();

    IngestHealth(AmqpAdmin admin, IngestProperties properties, MeterRegistry meters) {
        this.admin = admin;
        this.properties = properties;
        this.meters = meters;
    }

    @Override
    public synchronized Health health() {
        double handled = meters.find("pipelinelens.ingest.events").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        Instant now = Instant.now();
        if (handled != lastHandled) {
            lastHandled = handled;
            lastProgress = now;
        }
        Properties queue;
        try {
            queue = admin.getQueueProperties(properties.queue());
        } catch (RuntimeException e) {
            // The broker's own indicator reports the broker; this one is about the work.
            return Health.unknown()
                    .withDetail("queue", "unreachable: " + e.getMessage())
                    .build();
        }
        Object waiting = queue == null ? null : queue.get(RabbitAdmin.QUEUE_MESSAGE_COUNT);
        long messages = waiting instanceof Number n ? n.longValue() : 0;
        Duration idle = Duration.between(lastProgress, now);
        Health.Builder health =
                messages > 0 && idle.compareTo(properties.stuckAfter()) > 0 ? Health.down() : Health.up();
        return health.withDetail("waiting", messages)
                .withDetail("lastProgress", lastProgress.toString())
                .build();
    }
}
