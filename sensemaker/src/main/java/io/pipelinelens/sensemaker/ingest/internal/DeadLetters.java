package io.pipelinelens.sensemaker.ingest.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Parks messages that can never be ingested on the dead-letter exchange, each with its reason, and
 * returns only once the broker has confirmed and routed every one of them: the caller acknowledges
 * the originals after that, so a message is never gone from the ingest queue before its parked copy
 * is safe.
 */
@Component
class DeadLetters {

    static final String REASON_HEADER = "x-pipeline-lens-rejection-reason";
    static final String ROUTING_KEY_HEADER = "x-original-routing-key";

    /** A message and why it can never be ingested. */
    record Rejection(Message message, String reason) {}

    private final RabbitTemplate template;
    private final IngestProperties properties;

    DeadLetters(ConnectionFactory connections, IngestProperties properties) {
        if (!connections.isPublisherConfirms() || !connections.isPublisherReturns()) {
            throw new IllegalStateException("The ingest needs spring.rabbitmq.publisher-confirm-type=correlated and"
                    + " spring.rabbitmq.publisher-returns=true: a message is parked only once the broker"
                    + " confirmed and routed its dead letter");
        }
        // Our own template: mandatory routing must not depend on what else uses the shared one.
        this.template = new RabbitTemplate(connections);
        this.template.setMandatory(true);
        this.properties = properties;
    }

    /** @throws ParkingFailed when any dead letter was not confirmed in time, was refused or routed nowhere */
    void park(List<Rejection> rejections) {
        List<CorrelationData> sent = new ArrayList<>(rejections.size());
        for (Rejection rejection : rejections) {
            Message message = rejection.message();
            MessageProperties props = message.getMessageProperties();
            String routingKey = props.getReceivedRoutingKey() == null ? "" : props.getReceivedRoutingKey();
            props.setHeader(REASON_HEADER, rejection.reason());
            props.setHeader(ROUTING_KEY_HEADER, routingKey);
            CorrelationData correlation = new CorrelationData();
            try {
                template.send(properties.deadLetterExchange(), routingKey, message, correlation);
            } catch (AmqpException e) {
                throw new ParkingFailed("could not send to " + properties.deadLetterExchange() + ": " + e, e);
            }
            sent.add(correlation);
        }
        long deadline =
                System.nanoTime() + properties.deadLetterConfirmTimeout().toNanos();
        for (CorrelationData correlation : sent) {
            confirmed(correlation, deadline);
        }
    }

    private void confirmed(CorrelationData correlation, long deadline) {
        CorrelationData.Confirm confirm;
        try {
            confirm = correlation.getFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ParkingFailed("the broker did not confirm within " + properties.deadLetterConfirmTimeout(), e);
        } catch (ExecutionException e) {
            throw new ParkingFailed("no confirm from the broker: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParkingFailed("interrupted while waiting for the broker's confirm", e);
        }
        if (!confirm.ack()) {
            throw new ParkingFailed("the broker did not take it: " + confirm.reason(), null);
        }
        // With correlated confirms a return arrives before its confirm.
        ReturnedMessage returned = correlation.getReturned();
        if (returned != null) {
            throw new ParkingFailed(
                    "no queue is bound to " + properties.deadLetterExchange() + " (" + returned.getReplyText() + ")",
                    null);
        }
    }

    /** The dead letters are not safe with the broker: the originals must stay on the ingest queue. */
    static class ParkingFailed extends AmqpException {
        ParkingFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
