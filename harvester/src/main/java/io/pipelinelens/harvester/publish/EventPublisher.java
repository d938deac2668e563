package io.pipelinelens.harvester.publish;

import java.util.concurrent.CompletableFuture;

/** Sends one event to the broker; the future completes only when the broker has confirmed it. */
public interface EventPublisher {

    CompletableFuture<Void> publish(Publication publication);

    /** Whether the last attempt to reach the broker succeeded. */
    boolean connected();

    /** Records that the broker did not answer in time. */
    void disconnected();
}
