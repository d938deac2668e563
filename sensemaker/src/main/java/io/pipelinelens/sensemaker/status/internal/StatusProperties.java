package io.pipelinelens.sensemaker.status.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param cluster name of the watched cluster, part of every status event's source
 * @param status the Kafka topic and how it is created when missing
 */
@ConfigurationProperties("pipelinelens.sensemaker")
record StatusProperties(
        @DefaultValue("default") String cluster,
        @DefaultValue Status status) {

    /**
     * @param topic the status topic
     * @param partitions partitions when the sensemaker creates the topic
     * @param replicas replication factor when the sensemaker creates the topic
     * @param sendTimeout how long to wait for the broker's acknowledgement before retrying later
     * @param traceUrlTemplate link to a trace in a trace UI; {@code {traceId}} is replaced
     */
    record Status(
            @DefaultValue("pipeline-lens.status") String topic,
            @DefaultValue("3") int partitions,
            @DefaultValue("1") short replicas,
            @DefaultValue("10s") Duration sendTimeout,

            @DefaultValue("http://localhost:16686/trace/{traceId}")
            String traceUrlTemplate) {}
}
