package io.pipelinelens.standalone.infrastructure;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A single in-process Kafka broker in KRaft mode (spring-kafka-test), on a random port. */
public final class EmbeddedKafka implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker broker;

    private EmbeddedKafka(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    /** Starts the broker with the given topics created up front (more can be auto-created). */
    public static EmbeddedKafka start(int partitions, String... topics) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions, topics);
        broker.brokerProperty("auto.create.topics.enable", "true");
        broker.afterPropertiesSet();
        return new EmbeddedKafka(broker);
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
