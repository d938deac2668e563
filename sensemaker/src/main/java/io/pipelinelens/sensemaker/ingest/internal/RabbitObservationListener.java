package io.pipelinelens.sensemaker.ingest.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes the harvester's CloudEvents. A message that can never be ingested is moved to the
 * dead-letter exchange with the reason in its headers and logged; anything else (the database is
 * down) is thrown back so that the broker redelivers it: nothing is lost.
 */
@Component
class RabbitObservationListener {

    static final String REASON_HEADER = "x-pipeline-lens-rejection-reason";

    private static final Logger log = LoggerFactory.getLogger(RabbitObservationListener.class);

    private final ObservationIngest ingest;
    private final JsonMapper json;
    private final RabbitTemplate rabbit;
    private final IngestProperties properties;
    private final Counter ingested;
    private final Counter duplicates;
    private final Counter rejected;

    RabbitObservationListener(
            ObservationIngest ingest,
            JsonMapper json,
            RabbitTemplate rabbit,
            IngestProperties properties,
            MeterRegistry meters) {
        this.ingest = ingest;
        this.json = json;
        this.rabbit = rabbit;
        this.properties = properties;
        this.ingested = meters.counter("pipelinelens.ingest.events", "outcome", "ingested");
        this.duplicates = meters.counter("pipelinelens.ingest.events", "outcome", "duplicate");
        this.rejected = meters.counter("pipelinelens.ingest.events", "outcome", "rejected");
    }

    @RabbitListener(
            queues = "${pipelinelens.sensemaker.ingest.queue:pipeline-lens.sensemaker.ingest}",
            concurrency = "${pipelinelens.sensemaker.ingest.concurrency:1}")
    void onMessage(Message message) {
        try {
            Observation observation = Observation.parse(message.getBody(), json);
            if (ingest.ingest(observation)) {
                ingested.increment();
            } else {
                duplicates.increment();
            }
        } catch (InvalidObservation e) {
            reject(message, e.getMessage());
        } catch (RuntimeException e) {
            log.warn(
                    "Could not ingest message {}, the broker will redeliver it: {}",
                    message.getMessageProperties().getMessageId(),
                    e.toString());
            pause();
            throw e;
        }
    }

    private void pause() {
        try {
            Thread.sleep(properties.redeliveryPause().toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void reject(Message message, String reason) {
        MessageProperties props = message.getMessageProperties();
        log.warn(
                "Rejected message {} (routing key {}) to {}: {}",
                props.getMessageId(),
                props.getReceivedRoutingKey(),
                properties.deadLetterQueue(),
                reason);
        props.setHeader(REASON_HEADER, reason);
        props.setHeader("x-original-routing-key", props.getReceivedRoutingKey());
        try {
            rabbit.send(properties.deadLetterExchange(), props.getReceivedRoutingKey(), message);
            rejected.increment();
        } catch (RuntimeException e) {
            // Could not park it with its reason: let the broker dead-letter it as it is.
            throw new AmqpRejectAndDontRequeueException(reason, e);
        }
    }
}
