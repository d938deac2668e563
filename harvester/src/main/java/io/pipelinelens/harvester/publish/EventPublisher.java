package io.pipelinelens.harvester.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Sends one event to the broker; the future completes only when the broker has confirmed it. */
public interface EventPublisher {

    CompletableFuture<Void> publish(Publication publication);

    /**
     * Sends the events in this order, each with its own confirmation future; stops at the first one
     * that fails at once (the broker is away), so the list may be shorter than the input.
     */
    default List<CompletableFuture<Void>> publishAll(List<Publication> publications) {
        List<CompletableFuture<Void>> confirms = new ArrayList<>(publications.size());
        for (Publication publication : publications) {
            CompletableFuture<Void> confirm = publish(publication);
            confirms.add(confirm);
            if (confirm.isCompletedExceptionally()) {
                break;
            }
        }
        return confirms;
    }

    /** Whether the last attempt to reach the broker succeeded. */
    boolean connected();

    /** Records that the broker did not answer in time. */
    void disconnected();
}
