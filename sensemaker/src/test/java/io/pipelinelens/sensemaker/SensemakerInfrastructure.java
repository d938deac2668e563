package io.pipelinelens.sensemaker;

import io.pipelinelens.testing.LocalPostgres;
import io.pipelinelens.testing.LocalRabbit;
import io.pipelinelens.testing.OtlpReceiver;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Real infrastructure for one test class: its own PostgreSQL database, its own exchange and queue
 * names on the machine's RabbitMQ, and an OTLP receiver. Kafka comes from {@code @EmbeddedKafka}.
 */
public final class SensemakerInfrastructure implements AutoCloseable {

    /** For tests about nodes whose parent never comes: how long they wait. */
    public static final String PENDING_TIMEOUT_FOR_GIVE_UP_TESTS = "2s";

    public final LocalPostgres.Database database;
    public final String exchange;
    public final String queue;
    public final String topic;
    public final OtlpReceiver otlp;

    private SensemakerInfrastructure(String name) {
        this.database = LocalPostgres.createDatabase(name);
        this.exchange = LocalRabbit.uniqueName("test." + name + ".observations");
        this.queue = LocalRabbit.uniqueName("test." + name + ".ingest");
        this.topic = LocalRabbit.uniqueName("test." + name + ".status");
        this.otlp = OtlpReceiver.start();
    }

    public static SensemakerInfrastructure create(String name, DynamicPropertyRegistry registry) {
        SensemakerInfrastructure infra = new SensemakerInfrastructure(name);
        LocalRabbit.Broker broker = LocalRabbit.broker();
        registry.add("spring.datasource.url", infra.database::jdbcUrl);
        registry.add("spring.datasource.username", infra.database::username);
        registry.add("spring.datasource.password", infra.database::password);
        registry.add("spring.rabbitmq.host", broker::host);
        registry.add("spring.rabbitmq.port", broker::port);
        registry.add("spring.rabbitmq.username", broker::username);
        registry.add("spring.rabbitmq.password", broker::password);
        registry.add("spring.kafka.bootstrap-servers", () -> System.getProperty("spring.embedded.kafka.brokers"));
        registry.add("pipelinelens.sensemaker.ingest.exchange", () -> infra.exchange);
        registry.add("pipelinelens.sensemaker.ingest.queue", () -> infra.queue);
        registry.add("pipelinelens.sensemaker.status.topic", () -> infra.topic);
        registry.add("pipelinelens.sensemaker.cluster", () -> "test-cluster");
        registry.add("otel.exporter.otlp.endpoint", infra.otlp::endpoint);
        // Fast assembly: the scenarios here publish everything at once.
        registry.add("pipelinelens.sensemaker.tracing.settle", () -> "300ms");
        // Long: a busy machine must never make a node give up on a parent that is on its way. Tests
        // about giving up shorten it (see PENDING_TIMEOUT_FOR_GIVE_UP_TESTS).
        registry.add("pipelinelens.sensemaker.tracing.pending-timeout", () -> "60s");
        registry.add("pipelinelens.sensemaker.tracing.root-grace", () -> "500ms");
        registry.add("pipelinelens.sensemaker.tracing.tick", () -> "100ms");
        return infra;
    }

    /**
     * Closes this infrastructure when the application context that uses it is closed, after every
     * bean that needs it: the application still writes to the database while it shuts down (the
     * event publication registry does), and a JUnit {@code @AfterAll} would run before that.
     * Declare it as a {@code static @Bean} of a test configuration.
     */
    public BeanFactoryPostProcessor closedAfterTheApplication() {
        return beanFactory -> {
            if (!(beanFactory instanceof DefaultListableBeanFactory registry)) {
                throw new IllegalStateException("unexpected bean factory " + beanFactory.getClass());
            }
            String name = "sensemakerInfrastructureCloser";
            // Registered before any other bean, so destroyed after all of them.
            registry.registerSingleton(name, this);
            registry.registerDisposableBean(name, this::close);
            for (String dataSource : registry.getBeanNamesForType(DataSource.class, true, false)) {
                registry.registerDependentBean(name, dataSource);
            }
        };
    }

    @Override
    public void close() {
        otlp.close();
        LocalRabbit.delete(List.of(queue, queue + ".dlq"), List.of(exchange, exchange + ".dlx"));
        database.close();
    }
}
