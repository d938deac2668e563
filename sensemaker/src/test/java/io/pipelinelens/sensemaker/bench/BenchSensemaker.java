package io.pipelinelens.sensemaker.bench;

import io.pipelinelens.sensemaker.SensemakerApplication;
import io.pipelinelens.testing.LocalPostgres;
import io.pipelinelens.testing.LocalRabbit;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.modulith.runtime.ApplicationModulesRuntime;

/**
 * A sensemaker for the benchmark, on its own exchange and queue, with consumers that start only
 * when told: the backlog is queued first, as for the floor.
 */
final class BenchSensemaker implements AutoCloseable {

    final String exchange = LocalRabbit.uniqueName("bench.observations");
    final String queue = LocalRabbit.uniqueName("bench.ingest");
    final ConfigurableApplicationContext app;

    BenchSensemaker(LocalPostgres.Database database, String kafka, String otlp, QueryTimings timings) {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--spring.rabbitmq.host=" + broker.host(),
                "--spring.rabbitmq.port=" + broker.port(),
                "--spring.rabbitmq.username=" + broker.username(),
                "--spring.rabbitmq.password=" + broker.password(),
                "--spring.rabbitmq.listener.simple.auto-startup=false",
                "--spring.kafka.bootstrap-servers=" + kafka,
                "--pipelinelens.sensemaker.ingest.exchange=" + exchange,
                "--pipelinelens.sensemaker.ingest.queue=" + queue,
                "--pipelinelens.sensemaker.ingest.batch-size=" + SensemakerBenchmark.BATCH,
                "--pipelinelens.sensemaker.ingest.concurrency=" + System.getProperty("bench.concurrency", "1"),
                "--pipelinelens.sensemaker.tracing.settle=" + SensemakerBenchmark.SETTLE,
                "--otel.exporter.otlp.endpoint=" + otlp,
                "--logging.level.root=WARN",
                "--logging.level.io.pipelinelens=" + System.getProperty("bench.log", "WARN")));
        SpringApplicationBuilder builder = new SpringApplicationBuilder(SensemakerApplication.class);
        if (timings != null) {
            builder.initializers(context -> context.getBeanFactory().registerSingleton("benchQueryTimings", timings));
        }
        app = builder.run(args.toArray(String[]::new));
        // Consumers are not started yet, so nothing has declared the sensemaker's queue.
        app.getBean(RabbitAdmin.class).initialize();
        // Spring Modulith analyses the modules once, in the background, after startup: let it
        // finish so that it does not share the cores with the measurement.
        app.getBean(ApplicationModulesRuntime.class).get();
    }

    void startConsuming() {
        app.getBean(RabbitListenerEndpointRegistry.class).start();
    }

    void stopConsuming() {
        app.getBean(RabbitListenerEndpointRegistry.class).stop();
    }

    int port() {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @Override
    public void close() {
        app.close();
        LocalRabbit.delete(List.of(queue, queue + ".dlq"), List.of(exchange, exchange + ".dlx"));
    }
}
