package io.pipelinelens.standalone.launcher;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the harvester, sensemaker and notifier as separate Spring Boot applications in this JVM,
 * each with its production code and an explicit property map. Nothing is shared between the
 * contexts but the JVM: they talk through the brokers exactly as separate processes do.
 */
public final class PlatformLauncher {

    private static final Logger log = LoggerFactory.getLogger(PlatformLauncher.class);

    /** Consumers first, so that nothing the harvester publishes right away finds no queue bound. */
    private static final List<Service> START_ORDER = List.of(Service.SENSEMAKER, Service.NOTIFIER, Service.HARVESTER);

    private PlatformLauncher() {}

    public static RunningPlatform launch(PlatformSettings settings) {
        long started = System.nanoTime();
        Map<Service, RunningService> running = new EnumMap<>(Service.class);
        List<Service> startedOrder = new ArrayList<>();
        try {
            for (Service service : START_ORDER) {
                long t = System.nanoTime();
                RunningService handle = start(service, properties(service, settings));
                running.put(service, handle);
                startedOrder.add(service);
                log.info(
                        "{} started on port {} in {} ms",
                        service.id(),
                        handle.port(),
                        Duration.ofNanos(System.nanoTime() - t).toMillis());
            }
        } catch (RuntimeException e) {
            new RunningPlatform(running, startedOrder, Duration.ZERO).close();
            throw e;
        }
        return new RunningPlatform(running, START_ORDER, Duration.ofNanos(System.nanoTime() - started));
    }

    static RunningService start(Service service, Map<String, Object> properties) {
        // Command-line arguments outrank the service's own application.yaml, as the launcher must.
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(service.application())
                .bannerMode(Banner.Mode.OFF)
                .registerShutdownHook(false)
                .logStartupInfo(false)
                .run(args);
        Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
        return new RunningService(service, context, port == null ? -1 : port);
    }

    /** The complete property map one service is started with. */
    public static Map<String, Object> properties(Service service, PlatformSettings settings) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.application.name", service.id());
        p.put("spring.config.location", ownConfigLocation(service));
        p.put("spring.autoconfigure.exclude", String.join(",", service.excludedAutoConfigurations()));
        // Three contexts in one JVM: no shared JMX names, no shared global meter registry.
        p.put("spring.jmx.enabled", false);
        p.put("management.metrics.use-global-registry", false);
        switch (service) {
            case HARVESTER -> {
                p.put("server.port", settings.ports().harvester());
                p.put("pipelinelens.harvester.cluster", settings.cluster());
                p.put("pipelinelens.harvester.exchange", settings.rabbit().exchange());
                putIfSet(p, "pipelinelens.harvester.kubernetes.master-url", settings.kubernetesMasterUrl());
                putIfSet(p, "pipelinelens.harvester.webhooks.github.secret", settings.githubWebhookSecret());
                putIfSet(p, "pipelinelens.harvester.webhooks.lighthouse.secret", settings.lighthouseWebhookSecret());
                rabbit(p, settings.rabbit());
            }
            case SENSEMAKER -> {
                p.put("server.port", settings.ports().sensemaker());
                p.put("pipelinelens.sensemaker.cluster", settings.cluster());
                p.put(
                        "pipelinelens.sensemaker.ingest.exchange",
                        settings.rabbit().exchange());
                p.put("pipelinelens.sensemaker.ingest.queue", settings.rabbit().queue());
                putIfSet(
                        p,
                        "pipelinelens.sensemaker.ingest.queue-type",
                        settings.rabbit().queueType());
                p.put("pipelinelens.sensemaker.status.topic", settings.kafka().topic());
                if (settings.otlpEndpoint() != null) {
                    p.put("otel.exporter.otlp.endpoint", settings.otlpEndpoint());
                    p.put("otel.exporter.otlp.protocol", "http/protobuf");
                }
                p.put("spring.datasource.url", settings.database().jdbcUrl());
                p.put("spring.datasource.username", settings.database().username());
                p.put(
                        "spring.datasource.password",
                        nullToEmpty(settings.database().password()));
                rabbit(p, settings.rabbit());
                p.put("spring.kafka.bootstrap-servers", settings.kafka().bootstrapServers());
            }
            case NOTIFIER -> {
                p.put("server.port", settings.ports().notifier());
                p.put("pipelinelens.notifier.topic", settings.kafka().topic());
                p.put("spring.kafka.bootstrap-servers", settings.kafka().bootstrapServers());
                putIfSet(p, "pipelinelens.notifier.group-id", settings.kafka().notifierGroup());
                List<PlatformSettings.NotificationTarget> targets = settings.notificationTargets();
                for (int i = 0; i < targets.size(); i++) {
                    PlatformSettings.NotificationTarget target = targets.get(i);
                    String prefix = "pipelinelens.notifier.webhooks[" + i + "].";
                    p.put(prefix + "name", target.name());
                    p.put(prefix + "url", target.url());
                    putIfSet(p, prefix + "secret", target.secret());
                    for (int j = 0; j < target.types().size(); j++) {
                        p.put(prefix + "types[" + j + "]", target.types().get(j));
                    }
                }
            }
        }
        p.putAll(settings.extraProperties().getOrDefault(service, Map.of()));
        return p;
    }

    private static void rabbit(Map<String, Object> p, PlatformSettings.Rabbit rabbit) {
        p.put("spring.rabbitmq.host", rabbit.host());
        p.put("spring.rabbitmq.port", rabbit.port());
        p.put("spring.rabbitmq.username", rabbit.username());
        p.put("spring.rabbitmq.password", rabbit.password());
    }

    /**
     * Every service jar has its own {@code application.yaml} at the same classpath location, and on a
     * shared classpath only the first would be found: point each context at the file in its own jar
     * (or classes directory).
     */
    static String ownConfigLocation(Service service) {
        URL location =
                service.application().getProtectionDomain().getCodeSource().getLocation();
        String base = location.toString();
        String file;
        if (base.endsWith("/")) {
            file = base + "application.yaml";
        } else if (base.endsWith(".jar")) {
            file = "jar:" + base + "!/application.yaml";
        } else {
            file = base + "/application.yaml";
        }
        return "optional:" + file;
    }

    private static void putIfSet(Map<String, Object> p, String key, Object value) {
        if (value != null) {
            p.put(key, value);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
