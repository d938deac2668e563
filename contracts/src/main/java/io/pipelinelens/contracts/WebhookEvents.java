package io.pipelinelens.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Identity and routing of {@link EventType#GIT_WEBHOOK_RECEIVED}. */
public final class WebhookEvents {

    /** How many levels above a delivery's payload its CloudEvent adds: the envelope, then {@code data}. */
    public static final int PAYLOAD_NESTING = 2;

    /**
     * The deepest a delivery's payload may nest so that its CloudEvent stays within {@link
     * Limits#MAX_JSON_DEPTH}.
     */
    public static final int MAX_PAYLOAD_DEPTH = Limits.MAX_JSON_DEPTH - PAYLOAD_NESTING;

    private WebhookEvents() {}

    /** Where a webhook came from. */
    public enum Provider {
        /** GitHub's own webhook delivery. */
        GITHUB,
        /** A Lighthouse external-plugin relay (go-scm webhook or activity record). */
        LIGHTHOUSE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Deterministic id: the delivery GUID ({@code X-GitHub-Delivery}, go-scm {@code GUID}) so that a
     * redelivery dedupes, and so that it equals the {@code event-GUID} label Lighthouse puts on the
     * jobs it starts. A payload without a GUID (a Lighthouse activity record) gets {@code
     * sha256:<hex>} of its body.
     */
    public static String id(String deliveryGuid, byte[] body) {
        if (deliveryGuid != null && !deliveryGuid.isBlank()) {
            return deliveryGuid;
        }
        return "sha256:" + sha256(body);
    }

    /** {@code /webhooks/<provider>}. */
    public static String source(Provider provider) {
        return "/webhooks/" + provider.word();
    }

    /** RabbitMQ routing key {@code webhook.<provider>.<kind>}, e.g. {@code webhook.github.pull_request}. */
    public static String routingKey(Provider provider, String kind) {
        ResourceEvents.requireText(kind, "kind");
        return "webhook." + provider.word() + "." + kind.toLowerCase(Locale.ROOT);
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** For callers that hash text rather than bytes. */
    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
