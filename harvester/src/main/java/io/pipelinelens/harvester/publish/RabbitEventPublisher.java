package io.pipelinelens.harvester.publish;

import io.cloudevents.jackson.JsonFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pipelinelens.harvester.HarvesterProperties;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Structured-mode CloudEvents on the observations exchange: persistent, {@code message-id} = event
 * id, mandatory routing and correlated publisher confirms. A publish is done only when the broker
 * acknowledged it and did not return it as unroutable.
 */
public class RabbitEventPublisher implements EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(RabbitEventPublisher.class);

    private final RabbitTemplate template;
    private final String exchange;
    private final JsonFormat format = new JsonFormat();
    private final MeterRegistry meters;
    private final Timer latency;
    private volatile boolean connected;

    public RabbitEventPublisher(
            ConnectionFactory connectionFactory, HarvesterProperties properties, MeterRegistry meters) {
        // Our own template: the confirm/return settings must not depend on what else shares the JVM.
        this.template = new RabbitTemplate(connectionFactory);
        this.template.setMandatory(true);
        this.exchange = properties.exchange();
        this.meters = meters;
        this.latency = Timer.builder("pipelinelens.harvester.publish.latency")
                .description("Time from sending an event to the broker's confirm")
                .register(meters);
    }

    @Override
    public CompletableFuture<Void> publish(Publication publication) {
        Message message = MessageBuilder.withBody(format.serialize(publication.event()))
                .setContentType(JsonFormat.CONTENT_TYPE)
                .setContentEncoding("UTF-8")
                .setMessageId(publication.id())
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                .build();
        CorrelationData correlation = new CorrelationData(publication.id());
        long started = System.nanoTime();
        try {
            template.send(exchange, publication.routingKey(), message, correlation);
        } catch (AmqpException e) {
            failed(publication, e);
            return CompletableFuture.failedFuture(e);
        }
        return correlation
                .getFuture()
                .thenApply(confirm -> {
                    if (!confirm.ack()) {
                        throw new PublishFailedException(
                                "broker refused " + publication.id() + ": " + confirm.reason());
                    }
                    if (correlation.getReturned() != null) {
                        throw new UnroutableException("no queue bound for "
                                + publication.routingKey() + " on " + exchange + " ("
                                + correlation.getReturned().getReplyText() + ")");
                    }
                    latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    connected = true;
                    meters.counter("pipelinelens.harvester.published", "kind", publication.kind())
                            .increment();
                    return (Void) null;
                })
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        failed(publication, error);
                    }
                });
    }

    /**
     * One channel for the whole batch: RabbitMQ keeps the order of messages only within a channel,
     * and a deletion must never overtake the state it ends.
     */
    @Override
    public List<CompletableFuture<Void>> publishAll(List<Publication> publications) {
        if (publications.isEmpty()) {
            return List.of();
        }
        try {
            return template.invoke(operations -> EventPublisher.super.publishAll(publications));
        } catch (AmqpException e) {
            failed(publications.getFirst(), e);
            return List.of(CompletableFuture.failedFuture(e));
        }
    }

    private void failed(Publication publication, Throwable error) {
        meters.counter("pipelinelens.harvester.failed", "kind", publication.kind())
                .increment();
        // Unroutable means the broker is there but nobody listens yet; anything else means it is not.
        if (!(unwrap(error) instanceof UnroutableException)) {
            connected = false;
        }
        log.debug("Publishing {} failed: {}", publication.id(), error.toString());
    }

    private static Throwable unwrap(Throwable error) {
        return error.getCause() != null && error instanceof java.util.concurrent.CompletionException
                ? error.getCause()
                : error;
    }

    /** Marks the broker as unreachable, for failures noticed outside {@link #publish} (a confirm timeout). */
    @Override
    public void disconnected() {
        connected = false;
    }

    @Override
    public boolean connected() {
        return connected;
    }

    /** The broker did not take the event (a nack, e.g. because the channel closed). */
    public static class PublishFailedException extends RuntimeException {
        public PublishFailedException(String message) {
            super(message);
        }
    }

    /** The broker returned the event under mandatory routing: no queue is bound for its routing key. */
    public static class UnroutableException extends PublishFailedException {
        public UnroutableException(String message) {
            super(message);
        }
    }
}
