package io.pipelinelens.harvester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.pipelinelens.testing.LocalRabbit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * A test's own queue on the real broker, bound with {@code #} to the test class's unique exchange,
 * and what arrived on it as CloudEvents.
 */
public final class ObservationQueue implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CachingConnectionFactory connectionFactory;
    private final RabbitTemplate template;
    private final String queue;
    private final RabbitAdmin admin;
    private final String exchange;
    private final List<Received> unclaimed = new ArrayList<>();

    /** One message as it arrived: the AMQP envelope and the decoded event. */
    public record Received(Message message, CloudEvent event) {
        public String routingKey() {
            return message.getMessageProperties().getReceivedRoutingKey();
        }

        public JsonNode data() {
            try {
                return JSON.readTree(event.getData().toBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public ObservationQueue(String exchange) {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        connectionFactory = new CachingConnectionFactory(broker.host(), broker.port());
        connectionFactory.setUsername(broker.username());
        connectionFactory.setPassword(broker.password());
        RabbitAdmin admin = new RabbitAdmin(connectionFactory);
        TopicExchange topic = new TopicExchange(exchange, true, false);
        // Not AnonymousQueue: its x-queue-leader-locator argument is refused by older brokers.
        Queue q = new Queue(LocalRabbit.uniqueName(exchange + ".q"), false, false, false);
        admin.declareExchange(topic);
        queue = admin.declareQueue(q);
        this.exchange = exchange;
        admin.declareBinding(BindingBuilder.bind(q).to(topic).with("#"));
        template = new RabbitTemplate(connectionFactory);
        this.admin = admin;
    }

    /**
     * Waits for {@code count} events that match, in arrival order; events that do not match stay for
     * later calls.
     */
    public synchronized List<Received> await(Predicate<Received> matching, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Received> found = new ArrayList<>();
        unclaimed.removeIf(r -> {
            if (found.size() < count && matching.test(r)) {
                found.add(r);
                return true;
            }
            return false;
        });
        while (found.size() < count && System.nanoTime() < deadline) {
            Message message = template.receive(queue, 200);
            if (message == null) {
                continue;
            }
            Received received = new Received(message, new JsonFormat().deserialize(message.getBody()));
            if (matching.test(received)) {
                found.add(received);
            } else {
                unclaimed.add(received);
            }
        }
        return found;
    }

    /** Messages waiting on the queue, as the broker counts them. */
    public long messageCount() {
        var info = admin.getQueueInfo(queue);
        return info == null ? 0 : info.getMessageCount();
    }

    /** Removes every waiting message. */
    public void purge() {
        admin.purgeQueue(queue, false);
        unclaimed.clear();
    }

    /** Everything matching that arrives within {@code window} (to prove nothing more came). */
    public List<Received> drain(Predicate<Received> matching, Duration window) {
        return await(matching, Integer.MAX_VALUE, window);
    }

    @Override
    public void close() {
        admin.deleteQueue(queue);
        admin.deleteExchange(exchange);
        connectionFactory.destroy();
    }
}
