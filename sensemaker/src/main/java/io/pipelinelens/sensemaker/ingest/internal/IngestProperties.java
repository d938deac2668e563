package io.pipelinelens.sensemaker.ingest.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the sensemaker takes the harvester's events from.
 *
 * @param exchange the topic exchange the harvester publishes to
 * @param queue the sensemaker's queue; replicas share it (competing consumers)
 * @param queueType {@code quorum} (replicated, RabbitMQ) or {@code classic} (for brokers without
 *     quorum queues, like the embedded one of the standalone mode)
 * @param concurrency consumers per replica
 * @param brokerDeadLettering declare the queue with {@code x-dead-letter-exchange}, so that the
 *     broker parks what the sensemaker rejects without a reason; off for brokers that do not know
 *     the argument (the standalone mode's Qpid). Rejected messages are parked with their reason
 *     by the sensemaker itself either way
 * @param batchSize how many messages are stored in one transaction at most
 * @param batchWait how long a consumer waits for a batch to fill before it stores what it has
 * @param redeliveryPause how long a consumer waits before handing back a message it could not
 *     store for a passing reason (the database is down), so redelivery does not spin
 * @param deadLetterConfirmTimeout how long a consumer waits for the broker to confirm the dead
 *     letters of a batch; without the confirm the batch goes back to the queue
 * @param stuckAfter health reports ingest DOWN when messages wait on the queue and none was
 *     handled for this long
 */
@ConfigurationProperties("pipelinelens.sensemaker.ingest")
public record IngestProperties(
        @DefaultValue("pipeline-lens.observations") String exchange,
        @DefaultValue("pipeline-lens.sensemaker.ingest") String queue,
        @DefaultValue("quorum") QueueType queueType,
        @DefaultValue("1") int concurrency,
        @DefaultValue("true") boolean brokerDeadLettering,
        @DefaultValue("200") int batchSize,
        @DefaultValue("50ms") java.time.Duration batchWait,
        @DefaultValue("1s") java.time.Duration redeliveryPause,
        @DefaultValue("10s") java.time.Duration deadLetterConfirmTimeout,
        @DefaultValue("1m") java.time.Duration stuckAfter) {

    public IngestProperties {
        if (exchange == null || exchange.isBlank() || queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("pipelinelens.sensemaker.ingest.exchange and .queue must be set");
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("pipelinelens.sensemaker.ingest.batch-size must be between 1 and 1000");
        }
        if (deadLetterConfirmTimeout == null || !deadLetterConfirmTimeout.isPositive()) {
            throw new IllegalArgumentException(
                    "pipelinelens.sensemaker.ingest.dead-letter-confirm-timeout must be positive");
        }
        if (stuckAfter == null || !stuckAfter.isPositive()) {
            throw new IllegalArgumentException("pipelinelens.sensemaker.ingest.stuck-after must be positive");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("pipelinelens.sensemaker.ingest.concurrency must be >= 1");
        }
    }

    public enum QueueType {
        QUORUM,
        CLASSIC
    }

    /** Exchange that rejected messages are dead-lettered to. */
    String deadLetterExchange() {
        return exchange + ".dlx";
    }

    String deadLetterQueue() {
        return queue + ".dlq";
    }
}
