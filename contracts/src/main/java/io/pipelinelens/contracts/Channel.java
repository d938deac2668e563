package io.pipelinelens.contracts;

/** The broker destinations events travel on. Names are defaults; each service can override them. */
public enum Channel {
    /** RabbitMQ topic exchange from the harvester to the sensemaker (and anyone else who binds). */
    OBSERVATIONS("pipeline-lens.observations"),
    /** Kafka topic from the sensemaker to the notifier and other consumers. */
    STATUS("pipeline-lens.status");

    private final String defaultName;

    Channel(String defaultName) {
        this.defaultName = defaultName;
    }

    public String defaultName() {
        return defaultName;
    }
}
