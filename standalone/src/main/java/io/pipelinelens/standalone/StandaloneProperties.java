package io.pipelinelens.standalone;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the standalone starts. Each piece of infrastructure is embedded unless configured here: set
 * {@code postgres.url}, {@code rabbitmq.host}, {@code kafka.bootstrap-servers}, {@code
 * kubernetes.use-cluster} or {@code otlp.endpoint} to use a real one instead.
 */
@ConfigurationProperties("pipelinelens.standalone")
public record StandaloneProperties(
        @DefaultValue Postgres postgres,
        @DefaultValue Rabbitmq rabbitmq,
        @DefaultValue Kafka kafka,
        @DefaultValue Kubernetes kubernetes,
        @DefaultValue Otlp otlp,
        @DefaultValue Services services,
        @DefaultValue Simulator simulator) {

    /** An external PostgreSQL for the sensemaker; embedded PostgreSQL 18 when {@code url} is empty. */
    public record Postgres(
            String url,
            @DefaultValue("postgres") String username,
            @DefaultValue("") String password) {
        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    /** An external RabbitMQ; an embedded AMQP 0-9-1 broker (Qpid Broker-J) when {@code host} is empty. */
    public record Rabbitmq(
            String host,
            @DefaultValue("5672") int port,
            @DefaultValue("guest") String username,
            @DefaultValue("guest") String password) {
        public boolean embedded() {
            return host == null || host.isBlank();
        }
    }

    /** An external Kafka; an in-process KRaft broker when {@code bootstrap-servers} is empty. */
    public record Kafka(String bootstrapServers) {
        public boolean embedded() {
            return bootstrapServers == null || bootstrapServers.isBlank();
        }
    }

    /**
     * With {@code use-cluster} the harvester watches a real cluster (its kubeconfig, or {@code
     * master-url}) and the simulator stays off; otherwise a simulated Jenkins X cluster runs here.
     */
    public record Kubernetes(@DefaultValue("false") boolean useCluster, String masterUrl) {}

    /** Where the sensemaker exports traces; the built-in receiver ({@code /api/spans}) when empty. */
    public record Otlp(String endpoint) {
        public boolean builtIn() {
            return endpoint == null || endpoint.isBlank();
        }
    }

    /** The services' ports (0 = any free port) and the secrets shared with the simulator and sink. */
    public record Services(
            @DefaultValue("standalone") String cluster,
            @DefaultValue("8081") int harvesterPort,
            @DefaultValue("8082") int sensemakerPort,
            @DefaultValue("8083") int notifierPort,
            @DefaultValue("standalone-github-secret") String githubWebhookSecret,
            @DefaultValue("standalone-notification-secret") String notificationSecret) {}

    /** The simulated Jenkins X scenario: one run every {@code interval}, a share of them failing. */
    public record Simulator(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("15s") Duration interval,
            @DefaultValue("2s") Duration firstRunAfter,
            @DefaultValue("0.2") double failureRate) {}
}
