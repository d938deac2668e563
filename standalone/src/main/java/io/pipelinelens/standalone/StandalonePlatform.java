package io.pipelinelens.standalone;

import io.pipelinelens.contracts.Channel;
import io.pipelinelens.standalone.infrastructure.EmbeddedAmqpBroker;
import io.pipelinelens.standalone.infrastructure.EmbeddedKafka;
import io.pipelinelens.standalone.infrastructure.EmbeddedPostgresServer;
import io.pipelinelens.standalone.infrastructure.SimulatedCluster;
import io.pipelinelens.standalone.launcher.PlatformLauncher;
import io.pipelinelens.standalone.launcher.PlatformSettings;
import io.pipelinelens.standalone.launcher.RunningPlatform;
import io.pipelinelens.standalone.launcher.Service;
import io.pipelinelens.standalone.simulator.ClusterSimulator;
import io.pipelinelens.standalone.simulator.GitHubWebhookSender;
import io.pipelinelens.standalone.simulator.KubernetesClusterWriter;
import io.pipelinelens.standalone.simulator.ScenarioPlanner;
import io.pipelinelens.standalone.simulator.ScenarioPlayer;
import io.pipelinelens.standalone.simulator.ScenarioTemplates;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Brings the whole platform up once the standalone's own web server listens (its port is where the
 * built-in OTLP receiver and notification sink live): embedded infrastructure where none is
 * configured, then the three services, then the simulated cluster. Stops it all in reverse.
 */
@Component
public class StandalonePlatform implements ApplicationRunner, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(StandalonePlatform.class);

    private final StandaloneProperties properties;
    private final Environment environment;
    private final Deque<AutoCloseable> running = new ConcurrentLinkedDeque<>();
    private volatile Overview overview = Overview.STARTING;
    private volatile RunningPlatform platform;
    private volatile ClusterSimulator simulator;

    public StandalonePlatform(StandaloneProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) {
        long started = System.nanoTime();
        int ownPort = environment.getRequiredProperty("local.server.port", Integer.class);
        String self = "http://127.0.0.1:" + ownPort;

        // The slow pieces start side by side (PostgreSQL initdb, Qpid, Kafka, the mock API).
        CompletableFuture<EmbeddedPostgresServer> postgres =
                properties.postgres().embedded() ? async(EmbeddedPostgresServer::start) : null;
        CompletableFuture<EmbeddedAmqpBroker> amqp =
                properties.rabbitmq().embedded() ? async(EmbeddedAmqpBroker::start) : null;
        CompletableFuture<EmbeddedKafka> kafka = properties.kafka().embedded()
                ? async(() ->
                        EmbeddedKafka.start(3, Channel.STATUS.defaultName(), Channel.STATUS.defaultName() + ".dlt"))
                : null;
        CompletableFuture<SimulatedCluster> cluster =
                properties.kubernetes().useCluster() ? null : async(SimulatedCluster::start);

        Map<String, String> infrastructure = Overview.ordered();
        PlatformSettings.Database database;
        if (postgres != null) {
            EmbeddedPostgresServer pg = postgres.join();
            database = new PlatformSettings.Database(pg.jdbcUrl(), pg.username(), pg.password());
            infrastructure.put(
                    "PostgreSQL", "embedded PostgreSQL 18, " + pg.jdbcUrl() + " (data in " + pg.dataDirectory() + ")");
        } else {
            StandaloneProperties.Postgres pg = properties.postgres();
            database = new PlatformSettings.Database(pg.url(), pg.username(), pg.password());
            infrastructure.put("PostgreSQL", pg.url());
        }
        PlatformSettings.Rabbit rabbit;
        if (amqp != null) {
            EmbeddedAmqpBroker broker = amqp.join();
            rabbit = new PlatformSettings.Rabbit(
                    broker.host(),
                    broker.port(),
                    EmbeddedAmqpBroker.USERNAME,
                    EmbeddedAmqpBroker.PASSWORD,
                    null,
                    null,
                    "classic");
            infrastructure.put(
                    "AMQP", "embedded Qpid Broker-J (AMQP 0-9-1), amqp://" + broker.host() + ":" + broker.port());
        } else {
            StandaloneProperties.Rabbitmq r = properties.rabbitmq();
            rabbit = new PlatformSettings.Rabbit(r.host(), r.port(), r.username(), r.password(), null, null, null);
            infrastructure.put("AMQP", "RabbitMQ amqp://" + r.host() + ":" + r.port());
        }
        String bootstrap;
        if (kafka != null) {
            bootstrap = kafka.join().bootstrapServers();
            infrastructure.put("Kafka", "embedded KRaft broker, " + bootstrap);
        } else {
            bootstrap = properties.kafka().bootstrapServers();
            infrastructure.put("Kafka", bootstrap);
        }
        String masterUrl;
        SimulatedCluster simulated = null;
        if (cluster != null) {
            simulated = cluster.join();
            masterUrl = simulated.masterUrl();
            infrastructure.put("Kubernetes", "simulated Jenkins X cluster, " + masterUrl);
        } else {
            masterUrl = properties.kubernetes().masterUrl();
            infrastructure.put("Kubernetes", masterUrl == null ? "the cluster of your kubeconfig" : masterUrl);
        }
        String otlp = properties.otlp().builtIn() ? self : properties.otlp().endpoint();
        infrastructure.put("OTLP", properties.otlp().builtIn() ? "built-in receiver, " + self + "/v1/traces" : otlp);
        long infraMillis = (System.nanoTime() - started) / 1_000_000;
        log.info("infrastructure ready in {} ms", infraMillis);

        StandaloneProperties.Services services = properties.services();
        PlatformSettings settings = new PlatformSettings(
                services.cluster(),
                database,
                rabbit,
                new PlatformSettings.Kafka(bootstrap, null, null),
                masterUrl,
                otlp,
                List.of(new PlatformSettings.NotificationTarget(
                        "standalone-sink", self + "/sink/notifications", services.notificationSecret(), List.of())),
                services.githubWebhookSecret(),
                services.githubWebhookSecret(),
                new PlatformSettings.Ports(
                        services.harvesterPort(), services.sensemakerPort(), services.notifierPort()),
                // Qpid refuses RabbitMQ's x-dead-letter-exchange queue argument.
                amqp != null
                        ? Map.of(
                                Service.SENSEMAKER,
                                Map.of("pipelinelens.sensemaker.ingest.broker-dead-lettering", false))
                        : Map.of());
        platform = keep(PlatformLauncher.launch(settings));

        if (simulated != null && properties.simulator().enabled()) {
            ScenarioPlayer player = new ScenarioPlayer(
                    new KubernetesClusterWriter(simulated.client()),
                    new GitHubWebhookSender(
                            URI.create(platform.harvester().url("/webhooks/github")), services.githubWebhookSecret()),
                    ScenarioPlayer.Pacer.realTime(Clock.systemUTC()));
            simulator = keep(new ClusterSimulator(
                    new ScenarioPlanner(ScenarioTemplates.load()),
                    player,
                    properties.simulator().interval(),
                    properties.simulator().failureRate(),
                    new Random(),
                    Clock.systemUTC()));
            simulator.start(properties.simulator().firstRunAfter());
            infrastructure.put(
                    "Simulator",
                    "a Jenkins X pull-request run every "
                            + properties.simulator().interval().toSeconds() + " s");
        }

        Map<String, String> serviceUrls = Overview.ordered();
        serviceUrls.put("harvester", platform.harvester().url("/") + "  (GitHub webhooks: /webhooks/github)");
        serviceUrls.put("sensemaker", platform.sensemaker().url("/"));
        serviceUrls.put("notifier", platform.notifier().url("/"));
        serviceUrls.put("standalone", self + "/");
        Map<String, String> look = Overview.ordered();
        look.put("stored runs", platform.sensemaker().url("/api/runs"));
        look.put("spans", properties.otlp().builtIn() ? self + "/api/spans" : "your trace backend at " + otlp);
        look.put("notifications", self + "/api/notifications");
        long sinceJvmStart = System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime();
        overview = new Overview(sinceJvmStart, serviceUrls, infrastructure, look);
        log.info(
                "{}  (infrastructure {} ms, services {} ms, JVM start to ready {} ms)",
                overview.banner(),
                infraMillis,
                platform.startup().toMillis(),
                sinceJvmStart);
    }

    public Overview overview() {
        return overview;
    }

    /** The running services, once started (null before). */
    public RunningPlatform platform() {
        return platform;
    }

    public ClusterSimulator simulator() {
        return simulator;
    }

    @Override
    public void destroy() {
        while (!running.isEmpty()) {
            AutoCloseable piece = running.pop();
            try {
                piece.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", piece.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private <T extends AutoCloseable> T keep(T piece) {
        running.push(piece);
        return piece;
    }

    /** Starts a piece in the background; whatever starts is stopped on shutdown, even if a sibling failed. */
    private <T extends AutoCloseable> CompletableFuture<T> async(Supplier<T> start) {
        return CompletableFuture.supplyAsync(start).thenApply(this::keep);
    }
}
