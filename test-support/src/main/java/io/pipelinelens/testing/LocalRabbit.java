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
