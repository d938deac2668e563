package io.pipelinelens.standalone;

import io.pipelinelens.standalone.launcher.AutoConfigurations;
import io.pipelinelens.standalone.lookout.NotificationSink;
import io.pipelinelens.standalone.lookout.SpanStore;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The README's first command: the three services with embedded infrastructure and a simulated
 * Jenkins X cluster, in one JVM. This context itself is small: a web server for the overview, the
 * built-in OTLP receiver and the notification sink; the services run in their own contexts.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StandaloneApplication {

    public static void main(String[] args) {
        start(args);
    }

    /** Starts the standalone; closing the returned context stops everything. */
    public static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(StandaloneApplication.class)
                // The services' jars bring database and broker autoconfigurations this context must not use.
                .properties("spring.autoconfigure.exclude=" + String.join(",", AutoConfigurations.notForTheLauncher()))
                .run(args);
    }

    @Bean
    SpanStore spanStore() {
        return new SpanStore(5_000);
    }

    @Bean
    NotificationSink notificationSink(StandaloneProperties properties) {
        return new NotificationSink(properties.services().notificationSecret(), 1_000);
    }
}
