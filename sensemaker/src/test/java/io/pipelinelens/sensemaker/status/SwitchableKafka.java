package io.pipelinelens.sensemaker.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * spring-kafka-test's in-process KRaft broker behind a TCP link on a fixed port, which is all its
 * clients ever see: the broker advertises the link's port. Cutting the link is a real outage as a
 * client sees it — connections drop, new ones are refused — while the broker keeps its data;
 * restoring it brings the same broker back. Before {@link #startBroker()} the port is closed.
 */
final class SwitchableKafka implements AutoCloseable {

    private static final String[] BROKER_PROPERTIES = {"spring.embedded.kafka.brokers", "spring.kafka.bootstrap-servers"
    };

    private final int port;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final String[] previousProperties = new String[BROKER_PROPERTIES.length];
    private volatile EmbeddedKafkaKraftBroker broker;
    private volatile ServerSocket link;

    private SwitchableKafka(int port) {
        this.port = port;
    }

    /** A closed port that a broker can later be started behind. */
    static SwitchableKafka onFreePort() {
        try (ServerSocket probe = new ServerSocket(0)) {
            return new SwitchableKafka(probe.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What clients are configured with: the link, whether or not anything is behind it. */
    String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts the broker and opens the link to it. */
    void startBroker() {
        for (int i = 0; i < BROKER_PROPERTIES.length; i++) {
            previousProperties[i] = System.getProperty(BROKER_PROPERTIES[i]);
        }
        EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 1);
        started.brokerProperty("advertised.listeners", "EXTERNAL://localhost:" + port);
        // The broker's own admin client reaches it through the advertised address while it starts.
        broker = started;
        restore();
        started.afterPropertiesSet();
        // It publishes its real address as system properties; other test classes in this JVM must not see them.
        for (int i = 0; i < BROKER_PROPERTIES.length; i++) {
            if (previousProperties[i] == null) {
                System.clearProperty(BROKER_PROPERTIES[i]);
            } else {
                System.setProperty(BROKER_PROPERTIES[i], previousProperties[i]);
            }
        }
    }

    /** Drops every connection through the link and refuses new ones. */
    synchronized void cut() {
        ServerSocket server = link;
        link = null;
        closeQuietly(server);
        connections.forEach(SwitchableKafka::closeQuietly);
        connections.clear();
    }

    /** Accepts connections to the broker again, on the same port. */
    synchronized void restore() {
        if (link != null) {
            return;
        }
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("localhost", port));
            link = server;
            Thread.ofPlatform().daemon().name("kafka-link-" + port).start(() -> accept(server));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        cut();
        if (broker != null) {
            broker.destroy();
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // the link was cut
            }
            try {
                Socket upstream = new Socket("localhost", brokerPort());
                connections.add(client);
                connections.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException | RuntimeException e) {
                // the broker is not listening yet: the client sees a dropped connection
                closeQuietly(client);
            }
        }
    }

    private int brokerPort() {
        String address = broker.getBrokersAsString();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private void pump(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // closed on either side
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                connections.remove(from);
                connections.remove(to);
            }
        });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
