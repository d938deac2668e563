package io.pipelinelens.harvester.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.contracts.Limits;
import io.pipelinelens.contracts.WebhookEvents.Provider;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.harvester.publish.EventPublisher;
import io.pipelinelens.harvester.publish.Publication;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives GitHub webhooks and Lighthouse external-plugin requests. Signed input only; 202 means the
 * broker has confirmed the event, so a sender that sees anything else can redeliver — except a 4xx,
 * which says the delivery can never be taken as it is. Every refusal is logged with its reason.
 */
@RestController
@RequestMapping("/webhooks")
class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    /** Event names end up in routing keys: letters, digits, '_' and '-' only. */
    private static final Pattern KIND = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private final HarvesterProperties.Webhooks config;
    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final WebhookBodies bodies;
    private final WebhookEventFactory events;

    WebhookController(HarvesterProperties properties, EventPublisher publisher, MeterRegistry meters) {
        this.config = properties.webhooks();
        this.publisher = publisher;
        this.meters = meters;
        this.bodies = new WebhookBodies(config.maxBodySize());
        this.events = new WebhookEventFactory(bodies.json(), Clock.systemUTC());
        for (Provider provider : Provider.values()) {
            for (String counter : List.of("observed", "published", "failed")) {
                meters.counter("pipelinelens.harvester." + counter, "kind", provider.word());
            }
        }
    }

    @PostMapping("/github")
    ResponseEntity<Map<String, String>> github(
            HttpServletRequest request,
            @RequestHeader(name = "X-Hub-Signature-256", required = false) String signature,
            @RequestHeader(name = "X-GitHub-Event", required = false) String event,
            @RequestHeader(name = "X-GitHub-Delivery", required = false) String delivery)
            throws IOException {
        Delivery github = new Delivery(Provider.GITHUB, blankToNull(delivery));
        WebhookBodies.Read read = receive(github, request, config.github(), signature);
        if (!(read instanceof WebhookBodies.Accepted received)) {
            return refusal(github, (WebhookBodies.Refused) read);
        }
        if (event == null || !KIND.matcher(event).matches()) {
            return refuse(github, HttpStatus.BAD_REQUEST, "X-GitHub-Event is missing or not an event name");
        }
        Optional<String> badId = WebhookBodies.deliveryIdRefusal(github.id());
        if (badId.isPresent()) {
            return refuse(github, HttpStatus.BAD_REQUEST, badId.get());
        }
        return publish(events.build(
                Provider.GITHUB,
                event.toLowerCase(Locale.ROOT),
                github.id(),
                null,
                received.payload(),
                received.body()));
    }

    @PostMapping("/lighthouse")
    ResponseEntity<Map<String, String>> lighthouse(
            HttpServletRequest request,
            @RequestHeader(name = "X-Lighthouse-Signature", required = false) String signature,
            @RequestHeader(name = "X-Lighthouse-Payload-Type", required = false) String payloadType,
            @RequestHeader(name = "X-Lighthouse-Webhook-Kind", required = false) String webhookKind)
            throws IOException {
        WebhookBodies.Read read =
                receive(new Delivery(Provider.LIGHTHOUSE, null), request, config.lighthouse(), signature);
        if (!(read instanceof WebhookBodies.Accepted received)) {
            return refusal(new Delivery(Provider.LIGHTHOUSE, null), (WebhookBodies.Refused) read);
        }
        // Lighthouse names its delivery in the body (go-scm's GUID).
        Delivery lighthouse = new Delivery(
                Provider.LIGHTHOUSE, WebhookEventFactory.text(WebhookEventFactory.field(received.payload(), "guid")));
        String type = payloadType == null ? "" : payloadType.trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            // The catalog requires payloadType for Lighthouse. Lighthouse always sends the header; a
            // relay that strips it is still understood when the body is plainly a go-scm webhook,
            // which always names its Repo as an object (an activity record's repo is a string).
            JsonNode repo = WebhookEventFactory.field(received.payload(), "repo");
            if (repo == null || !repo.isObject()) {
                return refuse(
                        lighthouse,
                        HttpStatus.BAD_REQUEST,
                        "X-Lighthouse-Payload-Type is missing and the body is not a go-scm webhook (no Repo object):"
                                + " send X-Lighthouse-Payload-Type: webhook or activity");
            }
            type = "webhook";
        }
        if (!type.equals("webhook") && !type.equals("activity")) {
            return refuse(lighthouse, HttpStatus.BAD_REQUEST, "X-Lighthouse-Payload-Type must be webhook or activity");
        }
        String kind = webhookKind != null && !webhookKind.isBlank() ? webhookKind.trim() : "activity";
        if (type.equals("webhook") && (webhookKind == null || webhookKind.isBlank())) {
            return refuse(lighthouse, HttpStatus.BAD_REQUEST, "X-Lighthouse-Webhook-Kind is missing");
        }
        if (!KIND.matcher(kind).matches()) {
            return refuse(lighthouse, HttpStatus.BAD_REQUEST, "X-Lighthouse-Webhook-Kind is not an event name");
        }
        Optional<String> badId = WebhookBodies.deliveryIdRefusal(lighthouse.id());
        if (badId.isPresent()) {
            return refuse(lighthouse, HttpStatus.BAD_REQUEST, badId.get());
        }
        return publish(events.build(
                Provider.LIGHTHOUSE,
                kind.toLowerCase(Locale.ROOT),
                lighthouse.id(),
                type,
                received.payload(),
                received.body()));
    }

    private WebhookBodies.Read receive(
            Delivery delivery, HttpServletRequest request, HarvesterProperties.Secret secret, String signature)
            throws IOException {
        if (!secret.configured()) {
            log.error(
                    "pipelinelens.harvester.webhooks.{}.secret is missing, and unsigned input is never accepted",
                    delivery.provider().word());
            return new WebhookBodies.Refused(HttpStatus.UNAUTHORIZED, "webhook secret not configured");
        }
        WebhookBodies.Read read = bodies.read(request, secret.secret(), signature);
        if (read instanceof WebhookBodies.Accepted) {
            meters.counter(
                            "pipelinelens.harvester.observed",
                            "kind",
                            delivery.provider().word())
                    .increment();
        }
        return read;
    }

    private ResponseEntity<Map<String, String>> publish(Publication publication) {
        Duration timeout = config.confirmTimeout();
        try {
            publisher.publish(publication).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("id", publication.id()));
        } catch (TimeoutException e) {
            publisher.disconnected();
            log.warn("The broker did not confirm webhook {} within {}", publication.id(), timeout);
        } catch (ExecutionException e) {
            log.warn(
                    "Could not publish webhook {}: {}",
                    publication.id(),
                    e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(Map.of("error", "the event broker did not confirm; redeliver later"));
    }

    private ResponseEntity<Map<String, String>> refusal(Delivery delivery, WebhookBodies.Refused refused) {
        return refuse(delivery, refused.status(), refused.reason());
    }

    private ResponseEntity<Map<String, String>> refuse(Delivery delivery, HttpStatus status, String reason) {
        log.warn(
                "Refused a {} webhook, delivery {}: {} {}",
                delivery.provider().word(),
                delivery.id() == null ? "(none given)" : Limits.printable(delivery.id(), 80),
                status.value(),
                Limits.printable(reason, 500));
        meters.counter(
                        "pipelinelens.harvester.webhooks.refused",
                        "kind",
                        delivery.provider().word(),
                        "status",
                        Integer.toString(status.value()))
                .increment();
        return ResponseEntity.status(status).body(Map.of("error", reason));
    }

    /** One request as the logs name it: the provider and the delivery id, where it is known yet. */
    private record Delivery(Provider provider, String id) {}

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
