package io.pipelinelens.standalone.infrastructure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.BrokerModel;
import org.apache.qpid.server.model.SystemConfig;
import org.springframework.util.FileSystemUtils;

/**
 * Apache Qpid Broker-J speaking AMQP 0-9-1 in this JVM: an in-memory virtual host reached as
 * {@code /}, plain authentication with guest/guest, on a free loopback port. It stands in for
 * RabbitMQ: topic exchanges, durable queues and publisher confirms behave the same; quorum queues do
 * not exist here, so the sensemaker is told to declare a classic queue.
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {

    public static final String USERNAME = "guest";
    public static final String PASSWORD = "guest";

    private final SystemLauncher launcher;
    private final int port;
    private final Path workDirectory;

    private EmbeddedAmqpBroker(SystemLauncher launcher, int port, Path workDirectory) {
        this.launcher = launcher;
        this.port = port;
        this.workDirectory = workDirectory;
    }

    public static EmbeddedAmqpBroker start() {
        try {
            Path work = Files.createTempDirectory("pipeline-lens-qpid");
            Path config = work.resolve("config.json");
            int port = freePort();
            Files.writeString(config, configuration(port), StandardCharsets.UTF_8);
            Map<String, Object> attributes = new HashMap<>();
            attributes.put(SystemConfig.TYPE, "Memory");
            attributes.put(
                    SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toUri().toString());
            attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
            Map<String, String> context = new HashMap<>();
            context.put("qpid.work_dir", work.toString());
            context.put("qpid.amqp_port", Integer.toString(port));
            attributes.put(SystemConfig.CONTEXT, context);
            SystemLauncher launcher = new SystemLauncher();
            launcher.startup(attributes);
            EmbeddedAmqpBroker broker = new EmbeddedAmqpBroker(launcher, port, work);
            // Qpid reports a failed start in its log rather than by throwing: check that it listens.
            if (!listening(port)) {
                broker.close();
                throw new IllegalStateException("the embedded AMQP broker did not open port " + port);
            }
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded AMQP broker", e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        launcher.shutdown();
        try {
            FileSystemUtils.deleteRecursively(workDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String configuration(int port) {
        // Plain over a non-TLS port needs secureOnlyMechanisms emptied; the default alias maps
        // the client's "/" to the only virtual host.
        return """
                {
                  "name": "pipeline-lens",
                  "modelVersion": "%s",
                  "authenticationproviders": [{
                    "name": "plain",
                    "type": "Plain",
                    "secureOnlyMechanisms": [],
                    "users": [{"name": "%s", "type": "managed", "password": "%s"}]
                  }],
                  "ports": [{
                    "name": "AMQP",
                    "port": "%d",
                    "bindingAddress": "127.0.0.1",
                    "authenticationProvider": "plain",
                    "protocols": ["AMQP_0_9_1"],
                    "virtualhostaliases": [
                      {"name": "nameAlias", "type": "nameAlias"},
                      {"name": "defaultAlias", "type": "defaultAlias"}
                    ]
                  }],
                  "virtualhostnodes": [{
                    "name": "default",
                    "type": "Memory",
                    "defaultVirtualHostNode": "true",
                    "virtualHostInitialConfiguration": "{\\"type\\": \\"Memory\\"}"
                  }]
                }
                """.formatted(BrokerModel.MODEL_VERSION, USERNAME, PASSWORD, port);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
