package io.pipelinelens.sensemaker.status.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param cluster name of the watched cluster, part of every status event's source
 * @param status the Kafka topic, the producer's bounds and how the status outbox is drained
 */
@ConfigurationProperties("pipelinelens.sensemaker")
record StatusProperties(
        @DefaultValue("default") String cluster,
        @DefaultValue Status status) {

    StatusProperties {
        require(cluster != null && !cluster.isBlank(), "pipelinelens.sensemaker.cluster must be set");
    }

    /**
     * @param topic the status topic
     * @param partitions partitions when the sensemaker creates the topic
     * @param replicas replication factor when the sensemaker creates the topic
     * @param traceUrlTemplate link to a trace in a trace UI; {@code {traceId}} is replaced
     * @param producer how long the Kafka producer may take
     * @param outbox how the status outbox is drained and when it counts as stuck
     * @param retry the pause before a key whose send failed is tried again
     */
    record Status(
            @DefaultValue("pipeline-lens.status") String topic,
            @DefaultValue("3") int partitions,
            @DefaultValue("1") short replicas,

            @DefaultValue("http://localhost:16686/trace/{traceId}")
            String traceUrlTemplate,

            @DefaultValue Producer producer,
            @DefaultValue Outbox outbox,
            @DefaultValue Retry retry) {

        Status {
            require(topic != null && !topic.isBlank(), "pipelinelens.sensemaker.status.topic must be set");
            require(partitions >= 1, "pipelinelens.sensemaker.status.partitions must be >= 1");
            require(replicas >= 1, "pipelinelens.sensemaker.status.replicas must be >= 1");
            require(
                    traceUrlTemplate != null && traceUrlTemplate.contains("{traceId}"),
                    "pipelinelens.sensemaker.status.trace-url-template must contain {traceId}");
        }
    }

    /**
     * Bounds of the Kafka producer, so that an unreachable broker costs the publisher's thread a
     * bounded wait and nothing else.
     *
     * @param maxBlock how long a send may wait for the topic's metadata ({@code max.block.ms})
     * @param requestTimeout how long one request waits for the broker ({@code request.timeout.ms})
     * @param deliveryTimeout how long a send may take in all, retries included
     *     ({@code delivery.timeout.ms})
     */
    record Producer(
            @DefaultValue("5s") Duration maxBlock,
            @DefaultValue("10s") Duration requestTimeout,
            @DefaultValue("30s") Duration deliveryTimeout) {

        Producer {
            require(positive(maxBlock), "pipelinelens.sensemaker.status.producer.max-block must be > 0");
            require(positive(requestTimeout), "pipelinelens.sensemaker.status.producer.request-timeout must be > 0");
            // Kafka refuses a producer whose delivery timeout is shorter than linger + request timeout.
            require(
                    positive(deliveryTimeout) && deliveryTimeout.compareTo(requestTimeout) >= 0,
                    "pipelinelens.sensemaker.status.producer.delivery-timeout must be >= request-timeout");
        }

        /** How long to wait for a send's outcome: the producer itself gives up before. */
        Duration outcomeTimeout() {
            return deliveryTimeout.plus(maxBlock).plusSeconds(5);
        }
    }

    /**
     * @param pollInterval how often the outbox is looked at when nothing woke the publisher (events
     *     written by another replica, keys whose backoff ran out)
     * @param keysPerRound keys one round of the publisher takes at most
     * @param eventsPerKey events of one key one round sends at most
     * @param maxAge the status health is DOWN while the oldest unpublished event is older than this
     * @param retention how long a published event stays in the table
     */
    record Outbox(
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("100") int keysPerRound,
            @DefaultValue("50") int eventsPerKey,
            @DefaultValue("5m") Duration maxAge,
            @DefaultValue("1d") Duration retention) {

        Outbox {
            require(positive(pollInterval), "pipelinelens.sensemaker.status.outbox.poll-interval must be > 0");
            require(keysPerRound >= 1, "pipelinelens.sensemaker.status.outbox.keys-per-round must be >= 1");
            require(eventsPerKey >= 1, "pipelinelens.sensemaker.status.outbox.events-per-key must be >= 1");
            require(positive(maxAge), "pipelinelens.sensemaker.status.outbox.max-age must be > 0");
            require(positive(retention), "pipelinelens.sensemaker.status.outbox.retention must be > 0");
        }
    }

    /**
     * Exponential backoff: {@code initialBackoff × multiplier^(failures − 1)}, at most
     * {@code maxBackoff}.
     */
    record Retry(
            @DefaultValue("1s") Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("1m") Duration maxBackoff) {

        Retry {
            require(positive(initialBackoff), "pipelinelens.sensemaker.status.retry.initial-backoff must be > 0");
            require(multiplier >= 1.0, "pipelinelens.sensemaker.status.retry.multiplier must be >= 1");
            require(
                    maxBackoff != null && maxBackoff.compareTo(initialBackoff) >= 0,
                    "pipelinelens.sensemaker.status.retry.max-backoff must be >= initial-backoff");
        }

        /** The pause after the given number of consecutive failures (1 or more). */
        Duration delayAfter(int failures) {
            if (failures < 1) {
                throw new IllegalArgumentException("failures must be >= 1, was " + failures);
            }
            double millis = initialBackoff.toMillis() * Math.pow(multiplier, failures - 1);
            return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
        }
    }

    private static boolean positive(Duration duration) {
        return duration != null && duration.isPositive();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
