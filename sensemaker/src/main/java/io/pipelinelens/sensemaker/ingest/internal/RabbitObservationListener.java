package io.pipelinelens.sensemaker.ingest.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.sensemaker.ingest.internal.DeadLetters.Rejection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes the harvester's CloudEvents in batches, one transaction per batch. A message that can
 * never be ingested (unreadable, beyond the storage limits, or refused by the database for good) is
 * taken out of its batch and parked on the dead-letter exchange with the reason; the rest is
 * stored. Anything else (the database is down, the dead letter is not confirmed) is thrown back so
 * that the broker redelivers the batch: nothing is lost, and what was stored already is recognised
 * as a duplicate.
 */
@Component
class RabbitObservationListener {

    private static final Logger log = LoggerFactory.getLogger(RabbitObservationListener.class);

    private final ObservationIngest ingest;
    private final JsonMapper json;
    private final DeadLetters deadLetters;
    private final IngestProperties properties;
    private final Counter ingested;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter parkingFailed;

    RabbitObservationListener(
            ObservationIngest ingest,
            JsonMapper json,
            DeadLetters deadLetters,
            IngestProperties properties,
            MeterRegistry meters) {
        this.ingest = ingest;
        this.json = Observation.parser(json);
        this.deadLetters = deadLetters;
        this.properties = properties;
        this.ingested = meters.counter("pipelinelens.ingest.events", "outcome", "ingested");
        this.duplicates = meters.counter("pipelinelens.ingest.events", "outcome", "duplicate");
        this.rejected = meters.counter("pipelinelens.ingest.events", "outcome", "rejected");
        this.parkingFailed = meters.counter("pipelinelens.ingest.dead.letters.failed");
    }

    private record Parsed(Message message, Observation observation) {}

    @RabbitListener(
            queues = "${pipelinelens.sensemaker.ingest.queue:pipeline-lens.sensemaker.ingest}",
            containerFactory = IngestMessaging.BATCHES,
            concurrency = "${pipelinelens.sensemaker.ingest.concurrency:1}")
    void onMessages(List<Message> messages) {
        List<Parsed> readable = new ArrayList<>(messages.size());
        List<Rejection> rejections = new ArrayList<>();
        for (Message message : messages) {
            try {
                readable.add(new Parsed(message, Observation.parse(message.getBody(), json)));
            } catch (InvalidObservation e) {
                rejections.add(new Rejection(message, e.getMessage()));
            }
        }
        store(readable, rejections);
        // Last: if the batch goes back to the broker, the rejections are not parked twice.
        park(rejections);
    }

    private void store(List<Parsed> readable, List<Rejection> rejections) {
        if (readable.isEmpty()) {
            return;
        }
        try {
            count(ingest.ingest(readable.stream().map(Parsed::observation).toList()));
            return;
        } catch (RuntimeException e) {
            if (DatabaseRefusals.permanent(e).isEmpty()) {
                redeliver("Could not ingest a batch of " + readable.size() + " messages", e);
            }
        }
        // The database refuses something in the batch for good: find it by storing one by one.
        for (Parsed parsed : readable) {
            try {
                count(ingest.ingest(List.of(parsed.observation())));
            } catch (RuntimeException e) {
                Optional<SQLException> refusal = DatabaseRefusals.permanent(e);
                if (refusal.isEmpty()) {
                    redeliver("Could not ingest message " + parsed.observation().id(), e);
                }
                rejections.add(new Rejection(parsed.message(), DatabaseRefusals.reason(refusal.get())));
            }
        }
    }

    private void park(List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        try {
            deadLetters.park(rejections);
        } catch (DeadLetters.ParkingFailed e) {
            parkingFailed.increment();
            redeliver("Could not park " + rejections.size() + " messages on " + properties.deadLetterQueue(), e);
        }
        for (Rejection rejection : rejections) {
            MessageProperties props = rejection.message().getMessageProperties();
            log.warn(
                    "Parked message {} (routing key {}) on {}: {}",
                    props.getMessageId(),
                    props.getReceivedRoutingKey(),
                    properties.deadLetterQueue(),
                    rejection.reason());
        }
        rejected.increment(rejections.size());
    }

    private void count(ObservationIngest.Outcome outcome) {
        ingested.increment(outcome.ingested());
        duplicates.increment(outcome.duplicates());
    }

    /** Hands the whole batch back to the broker, after a pause so that redelivery does not spin. */
    private void redeliver(String what, RuntimeException e) {
        log.warn("{}, the broker will redeliver the batch: {}", what, e.toString());
        try {
            Thread.sleep(properties.redeliveryPause().toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        throw e;
    }
}
