package io.pipelinelens.harvester;

import io.pipelinelens.harvester.watch.ResourceWatcher;
import io.pipelinelens.testing.LocalRabbit;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts harvester contexts that a test can stop and start again, as a restart would. */
public final class Harvesters {

    private Harvesters() {}

    /**
     * A harvester without a web server, pointed at the cluster, the exchange and the broker port given
     * (the broker itself, or a proxy in front of it); {@code extra} overrides anything. Returns once
     * every watched kind has listed.
     */
    public static ConfigurableApplicationContext start(
            MockCluster cluster, String exchange, int brokerPort, Map<String, Object> extra) {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        Map<String, Object> properties = new LinkedHashMap<>(cluster.harvesterProperties());
        properties.put("pipelinelens.harvester.exchange", exchange);
        properties.put("pipelinelens.harvester.cluster", "it");
        properties.put("spring.rabbitmq.host", broker.host());
        properties.put("spring.rabbitmq.port", brokerPort);
        properties.put("spring.rabbitmq.username", broker.username());
        properties.put("spring.rabbitmq.password", broker.password());
        properties.put("spring.rabbitmq.connection-timeout", "1s");
        properties.put("spring.jmx.enabled", "false");
        properties.putAll(extra);
        // Command-line arguments: they outrank application.yaml, as the properties of a deployment do.
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(HarvesterApplication.class)
                .web(WebApplicationType.NONE)
                .run(args);
        ResourceWatcher watcher = context.getBean(ResourceWatcher.class);
        // A bound for a busy machine, not a timing: the first sync of every kind usually takes a second.
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> watcher.status().stream().allMatch(ResourceWatcher.KindStatus::synced));
        return context;
    }
}
