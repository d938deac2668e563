package io.pipelinelens.testing;

import java.util.Locale;
import java.util.UUID;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * A real RabbitMQ for tests: the broker on this machine (127.0.0.1:5672, guest/guest, overridable
 * with {@code PIPELINELENS_TEST_RABBIT_HOST/PORT/USER/PASSWORD}), or a Testcontainers one where no
 * local broker answers and a Docker engine exists. Never skips.
 *
 * <p>Isolation is by name: each test class declares its own exchanges and queues through {@link
 * #uniqueName(String)}.
 */
public final class LocalRabbit {

    private static volatile Broker broker;

    private LocalRabbit() {}

    public record Broker(String host, int port, String username, String password) {}

    public static Broker broker() {
        Broker b = broker;
        if (b == null) {
            synchronized (LocalRabbit.class) {
                if (broker == null) {
                    broker = locate();
                }
                b = broker;
            }
        }
        return b;
    }

    /** {@code prefix} plus a random suffix, for exchanges and queues that belong to one test class. */
    public static String uniqueName(String prefix) {
        return (prefix + "." + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    }

    /**
     * Deletes queues and exchanges a test class declared (durable ones would otherwise pile up in
     * the machine's broker run after run). Missing ones are ignored.
     */
    public static void delete(java.util.Collection<String> queues, java.util.Collection<String> exchanges) {
        Broker b = broker();
        com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setHost(b.host());
        factory.setPort(b.port());
        factory.setUsername(b.username());
        factory.setPassword(b.password());
        try (com.rabbitmq.client.Connection connection = factory.newConnection()) {
            for (String queue : queues) {
                try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
                    channel.queueDelete(queue);
                } catch (java.io.IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
                    // already gone
                }
            }
            for (String exchange : exchanges) {
                try (com.rabbitmq.client.Channel channel = connection.createChannel()) {
                    channel.exchangeDelete(exchange);
                } catch (java.io.IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
                    // already gone
                }
            }
        } catch (java.io.IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot clean up RabbitMQ", e);
        }
    }

    private static Broker locate() {
        String host = LocalPostgres.env("PIPELINELENS_TEST_RABBIT_HOST", "127.0.0.1");
        int port = Integer.parseInt(LocalPostgres.env("PIPELINELENS_TEST_RABBIT_PORT", "5672"));
        if (Reachability.listening(host, port)) {
            return new Broker(
                    host,
                    port,
                    LocalPostgres.env("PIPELINELENS_TEST_RABBIT_USER", "guest"),
                    LocalPostgres.env("PIPELINELENS_TEST_RABBIT_PASSWORD", "guest"));
        }
        if (Reachability.dockerAvailable()) {
            RabbitMQContainer container = new RabbitMQContainer("rabbitmq:4-management-alpine");
            container.start();
            return new Broker(
                    container.getHost(),
                    container.getAmqpPort(),
                    container.getAdminUsername(),
                    container.getAdminPassword());
        }
        throw new IllegalStateException("These tests need a real RabbitMQ. None answers on " + host + ":" + port
                + " and no Docker engine is available for Testcontainers. Start one with"
                + " `rabbitmq-server -detached && rabbitmqctl await_startup`"
                + " or point PIPELINELENS_TEST_RABBIT_HOST/PORT/USER/PASSWORD at one.");
    }
}
