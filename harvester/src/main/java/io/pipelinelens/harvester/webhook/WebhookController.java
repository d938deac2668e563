package io.pipelinelens.harvester.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.contracts.WebhookEvents.Provider;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.harvester.publish.EventPublisher;
import io.pipelinelens.harvester.publish.Publication;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
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
 * broker has confirmed the event, so a sender that sees anything else can redeliver.
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
    private final ObjectMapper json;
    private final WebhookEventFactory events;
    private final long maxBodySize;

    WebhookController(HarvesterProperties properties, EventPublisher publisher, MeterRegistry meters) {
        this.config = properties.webhooks();
        this.publisher = publisher;
        this.meters = meters;
        this.json = JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.events = new WebhookEventFactory(json, Clock.systemUTC());
        this.maxBodySize = config.maxBodySize().toBytes();
        for (Provider provider : Provider.values()) {
            for (String counter : java.util.List.of("observed", "published", "failed")) {
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
        Received received = receive(Provider.GITHUB, request, config.github(), signature);
        if (received.refusal() != null) {
            return received.refusal();
        }
        if (event == null || !KIND.matcher(event).matches()) {
            return refuse(HttpStatus.BAD_REQUEST, "X-GitHub-Event is missing or not an event name");
        }
        return publish(events.build(
                Provider.GITHUB,
                event.toLowerCase(Locale.ROOT),
                blankToNull(delivery),
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
        Received received = receive(Provider.LIGHTHOUSE, request, config.lighthouse(), signature);
        if (received.refusal() != null) {
            return received.refusal();
        }
        String type = payloadType == null ? "" : payloadType.trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            // The catalog requires payloadType for Lighthouse. Lighthouse always sends the header; a
            // relay that strips it is still understood when the body is plainly a go-scm webhook,
            // which always names its Repo as an object (an activity record's repo is a string).
            JsonNode repo = WebhookEventFactory.field(received.payload(), "repo");
            if (repo == null || !repo.isObject()) {
                return refuse(
                        HttpStatus.BAD_REQUEST,
                        "X-Lighthouse-Payload-Type is missing and the body is not a go-scm webhook (no Repo object):"
                                + " send X-Lighthouse-Payload-Type: webhook or activity");
            }
            type = "webhook";
        }
        if (!type.equals("webhook") && !type.equals("activity")) {
            return refuse(HttpStatus.BAD_REQUEST, "X-Lighthouse-Payload-Type must be webhook or activity");
        }
        String kind = webhookKind != null && !webhookKind.isBlank() ? webhookKind.trim() : "activity";
        if (type.equals("webhook") && (webhookKind == null || webhookKind.isBlank())) {
            return refuse(HttpStatus.BAD_REQUEST, "X-Lighthouse-Webhook-Kind is missing");
        }
        if (!KIND.matcher(kind).matches()) {
            return refuse(HttpStatus.BAD_REQUEST, "X-Lighthouse-Webhook-Kind is not an event name");
        }
        String guid = WebhookEventFactory.text(WebhookEventFactory.field(received.payload(), "guid"));
        return publish(events.build(
                Provider.LIGHTHOUSE, kind.toLowerCase(Locale.ROOT), guid, type, received.payload(), received.body()));
    }

    /** The body, read within the size cap, signature-checked and parsed; or the refusal. */
    private record Received(byte[] body, ObjectNode payload, ResponseEntity<Map<String, String>> refusal) {}

    private Received receive(
            Provider provider, HttpServletRequest request, HarvesterProperties.Secret secret, String signature)
            throws IOException {
        if (request.getContentLengthLong() > maxBodySize) {
            return refused(HttpStatus.CONTENT_TOO_LARGE, "body larger than " + config.maxBodySize());
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodySize + 1));
        }
        if (body.length > maxBodySize) {
            return refused(HttpStatus.CONTENT_TOO_LARGE, "body larger than " + config.maxBodySize());
        }
        if (body.length == 0) {
            return refused(HttpStatus.BAD_REQUEST, "empty body");
        }
        if (!secret.configured()) {
            log.error(
                    "Refusing a {} webhook: pipelinelens.harvester.webhooks.{}.secret is missing, and unsigned input is never accepted",
                    provider.word(),
                    provider.word());
            return refused(HttpStatus.UNAUTHORIZED, "webhook secret not configured");
        }
        if (!SignatureVerifier.verifies(secret.secret(), body, signature)) {
            log.warn("Refusing a {} webhook: missing or invalid signature", provider.word());
            meters.counter("pipelinelens.harvester.webhooks.refused", "kind", provider.word())
                    .increment();
            return refused(HttpStatus.UNAUTHORIZED, "missing or invalid signature");
        }
        JsonNode payload;
        try {
            payload = json.readTree(body);
        } catch (JsonProcessingException e) {
            return refused(HttpStatus.BAD_REQUEST, "body is not JSON: " + e.getOriginalMessage());
        }
        if (!(payload instanceof ObjectNode object)) {
            return refused(HttpStatus.BAD_REQUEST, "body is not a JSON object");
        }
        meters.counter("pipelinelens.harvester.observed", "kind", provider.word())
                .increment();
        return new Received(body, object, null);
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
        return refuse(HttpStatus.SERVICE_UNAVAILABLE, "the event broker did not confirm; redeliver later");
    }

    private static Received refused(HttpStatus status, String message) {
        return new Received(null, null, refuse(status, message));
    }

    private static ResponseEntity<Map<String, String>> refuse(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", message));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
