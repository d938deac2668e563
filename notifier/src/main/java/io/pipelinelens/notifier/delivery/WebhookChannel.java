package io.pipelinelens.notifier.delivery;

import io.pipelinelens.notifier.NotifierProperties;
import io.pipelinelens.notifier.StatusEvent;
import java.time.Clock;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/** The generic webhook: POSTs the structured-mode CloudEvent, signed with the webhook's secret. */
public class WebhookChannel implements NotificationChannel {

    public static final MediaType CLOUDEVENTS_JSON = MediaType.parseMediaType("application/cloudevents+json");
    public static final String DELIVERY_HEADER = "X-Pipeline-Lens-Delivery";
    public static final String EVENT_TYPE_HEADER = "X-Pipeline-Lens-Event-Type";

    private final NotifierProperties.Webhook webhook;
    private final RestClient http;
    private final Clock clock;

    public WebhookChannel(NotifierProperties.Webhook webhook, RestClient http, Clock clock) {
        this.webhook = webhook;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String name() {
        return webhook.name();
    }

    @Override
    public boolean accepts(StatusEvent event) {
        return webhook.wants(event.cloudEvent().getType());
    }

    @Override
    public AttemptResult attempt(StatusEvent event) {
        byte[] body = event.structuredJson();
        try {
            AttemptResult result = http.post()
                    .uri(webhook.url())
                    .contentType(CLOUDEVENTS_JSON)
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(webhook.secret(), body))
                    .header(DELIVERY_HEADER, NotificationChannel.deliveryId(event.id(), name()))
                    .header(EVENT_TYPE_HEADER, event.cloudEvent().getType())
                    .body(body)
                    .exchange((request, response) -> HttpResponses.classify(
                            response.getStatusCode().value(),
                            response.getHeaders().getFirst("Retry-After"),
                            clock.instant()));
            return result == null ? new AttemptResult.Transient("no response", Optional.empty()) : result;
        } catch (RestClientException e) {
            // I/O trouble (refused, reset, timed out): the receiver may well be back in a moment.
            return new AttemptResult.Transient("request failed: " + e.getMostSpecificCause(), Optional.empty());
        }
    }

    @Override
    public String toString() {
        return "webhook '" + name() + "' -> " + webhook.url(); // never the secret
    }
}
