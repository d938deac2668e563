package io.pipelinelens.notifier.delivery;

import io.pipelinelens.notifier.StatusEvent;

/** Somewhere status events are delivered to: a webhook now; Slack, Discord and others later. */
public interface NotificationChannel {

    /** Unique among the configured channels; part of the delivery id and of the metrics. */
    String name();

    boolean accepts(StatusEvent event);

    /** One attempt, without retrying: {@link Deliveries} decides about the next one. */
    AttemptResult attempt(StatusEvent event);

    /** Deterministic, so that a receiver can dedupe our retries and redeliveries. */
    static String deliveryId(String eventId, String channelName) {
        return eventId + "/" + channelName;
    }
}
