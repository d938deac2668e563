package io.pipelinelens.standalone.simulator;

/** Where the simulated git provider delivers its webhooks. */
public interface WebhookTarget {

    void deliver(String deliveryGuid, String event, byte[] body);
}
