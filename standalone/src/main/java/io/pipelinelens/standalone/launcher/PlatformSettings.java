package io.pipelinelens.standalone.launcher;

import io.pipelinelens.contracts.Channel;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the three services need to find their infrastructure and each other. Ports of 0 mean
 * "any free port"; the exchange, queue, topic and consumer group names can be made unique so that
 * a test isolates itself on a shared broker.
 *
 * @param cluster the name the harvester gives the cluster it watches (and the sensemaker its source)
 * @param kubernetesMasterUrl the API server the harvester watches; null for its kubeconfig / in-cluster
 * @param otlpEndpoint OTLP/HTTP base endpoint the sensemaker exports traces to; null to leave it unset
 * @param githubWebhookSecret the secret the harvester checks GitHub webhook signatures with
 * @param lighthouseWebhookSecret the secret for Lighthouse external-plugin requests
 * @param extraProperties further properties per service, applied last (they win)
 */
public record PlatformSettings(
        String cluster,
        Database database,
        Rabbit rabbit,
        Kafka kafka,
        String kubernetesMasterUrl,
        String otlpEndpoint,
        List<NotificationTarget> notificationTargets,
        String githubWebhookSecret,
        String lighthouseWebhookSecret,
        Ports ports,
        Map<Service, Map<String, Object>> extraProperties) {

    public PlatformSettings {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(rabbit, "rabbit");
        Objects.requireNonNull(kafka, "kafka");
        cluster = cluster == null ? "standalone" : cluster;
        notificationTargets = notificationTargets == null ? List.of() : List.copyOf(notificationTargets);
        ports = ports == null ? Ports.random() : ports;
        extraProperties = extraProperties == null ? Map.of() : Map.copyOf(extraProperties);
    }

    /** The sensemaker's PostgreSQL. */
    public record Database(String jdbcUrl, String username, String password) {}

    /**
     * The broker between harvester and sensemaker.
     *
     * @param queueType {@code classic} on brokers without quorum queues (the embedded one); null for
     *     the sensemaker's default
     */
    public record Rabbit(
            String host, int port, String username, String password, String exchange, String queue, String queueType) {

        public Rabbit {
            exchange = exchange == null ? Channel.OBSERVATIONS.defaultName() : exchange;
            queue = queue == null ? "pipeline-lens.sensemaker.ingest" : queue;
        }
    }

    /** The log between sensemaker and notifier. */
    public record Kafka(String bootstrapServers, String topic, String notifierGroup) {

        public Kafka {
            topic = topic == null ? Channel.STATUS.defaultName() : topic;
        }
    }

    /** A generic webhook channel of the notifier; empty types mean every type. */
    public record NotificationTarget(String name, String url, String secret, List<String> types) {

        public NotificationTarget {
            types = types == null ? List.of() : List.copyOf(types);
        }
    }

    public record Ports(int harvester, int sensemaker, int notifier) {

        public static Ports random() {
            return new Ports(0, 0, 0);
        }

        public static Ports defaults() {
            return new Ports(8081, 8082, 8083);
        }
    }
}
