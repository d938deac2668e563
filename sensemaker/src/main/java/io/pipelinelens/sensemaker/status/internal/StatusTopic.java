package io.pipelinelens.sensemaker.status.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Creates the status topic when it is missing (an existing one is left alone). Called by the
 * publisher on its own thread before it sends, never during start-up: a broker that is away must
 * not hold up the application (no {@code NewTopic} bean, so Spring Kafka's admin does nothing at
 * start-up).
 */
@Component
class StatusTopic {

    private static final Logger log = LoggerFactory.getLogger(StatusTopic.class);

    private final KafkaAdmin admin;
    private final StatusProperties properties;
    private volatile boolean ready;

    StatusTopic(KafkaAdmin admin, StatusProperties properties) {
        this.admin = admin;
        this.properties = properties;
    }

    /** @return whether the topic exists now (or could not be created for a reason retrying will not change) */
    boolean ensure() {
        if (ready) {
            return true;
        }
        StatusProperties.Status status = properties.status();
        Duration timeout = status.producer().requestTimeout();
        Map<String, Object> config = new HashMap<>(admin.getConfigurationProperties());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
        Admin client = Admin.create(config);
        try {
            client.createTopics(List.of(new NewTopic(status.topic(), status.partitions(), status.replicas())))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created the status topic {}", status.topic());
            ready = true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                ready = true;
            } else if (e.getCause() instanceof RetriableException) {
                log.debug(
                        "Kafka did not answer whether {} exists: {}",
                        status.topic(),
                        e.getCause().toString());
            } else {
                // Not allowed to create topics, say: sends will tell whether the topic is there.
                log.warn(
                        "Could not create the status topic {}: {}",
                        status.topic(),
                        e.getCause().toString());
                ready = true;
            }
        } catch (TimeoutException e) {
            log.debug("Kafka did not answer within {} whether {} exists", timeout, status.topic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Fails what is still pending instead of waiting for an absent broker.
            client.close(Duration.ZERO);
        }
        return ready;
    }
}
