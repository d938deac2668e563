package io.pipelinelens.sensemaker.ingest.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes the harvester's CloudEvents in batches, one transaction per batch. A message that can
 * never be ingested is moved to the dead-letter exchange with the reason in its headers and logged;
 * anything else (the database is down) is thrown back so that the broker redelivers the batch:
 * nothing is lost, and what was stored already is recognised as a duplicate.
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

    private record Parsed(Message message, Observation observation) {}

    @RabbitListener(
            queues = "${pipelinelens.sensemaker.ingest.queue:pipeline-lens.sensemaker.ingest}",
            containerFactory = IngestMessaging.BATCHES,
            concurrency = "${pipelinelens.sensemaker.ingest.concurrency:1}")
    void onMessages(List<Message> messages) {
        List<Parsed> readable = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                readable.add(new Parsed(message, Observation.parse(message.getBody(), json)));
            } catch (InvalidObservation e) {
                reject(message, e.getMessage());
            }
        }
        if (readable.isEmpty()) {
            return;
        }
        try {
            count(ingest.ingest(readable.stream().map(Parsed::observation).toList()));
        } catch (DataIntegrityViolationException e) {
            // The database refuses something in the batch (say, a character jsonb cannot hold):
            // find which message it is by storing them one by one.
            readable.forEach(this::ingestAlone);
        } catch (RuntimeException e) {
            redeliver(messages.size(), e);
        }
    }

    private void ingestAlone(Parsed parsed) {
        try {
            count(ingest.ingest(List.of(parsed.observation())));
        } catch (DataIntegrityViolationException e) {
            reject(
                    parsed.message(),
                    "the database refuses it: " + e.getMostSpecificCause().getMessage());
        } catch (RuntimeException e) {
            redeliver(1, e);
        }
    }

    private void count(ObservationIngest.Outcome outcome) {
        ingested.increment(outcome.ingested());
        duplicates.increment(outcome.duplicates());
    }

    private void redeliver(int size, RuntimeException e) {
        log.warn("Could not ingest a batch of {} messages, the broker will redeliver them: {}", size, e.toString());
        try {
            Thread.sleep(properties.redeliveryPause().toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        throw e;
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
            // Could not park it with its reason: let the broker dead-letter the batch as it is.
            throw new AmqpRejectAndDontRequeueException(reason, e);
        }
    }
}
