package io.pipelinelens.standalone.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers webhooks as GitHub does: {@code X-GitHub-Delivery}, {@code X-GitHub-Event}, {@code X-Hub-Signature-256}. */
public final class GitHubWebhookSender implements WebhookTarget {

    private static final Logger log = LoggerFactory.getLogger(GitHubWebhookSender.class);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final String secret;

    public GitHubWebhookSender(URI endpoint, String secret) {
        this.endpoint = endpoint;
        this.secret = secret;
    }

    @Override
    public void deliver(String deliveryGuid, String event, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/pipeline-lens-simulator")
                .header("X-GitHub-Delivery", deliveryGuid)
                .header("X-GitHub-Event", event)
                .header("X-Hub-Signature-256", signature(secret, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() >= 300) {
                log.warn("webhook {} answered {} by {}", deliveryGuid, response.statusCode(), endpoint);
            }
        } catch (IOException e) {
            log.warn("webhook {} not delivered to {}: {}", deliveryGuid, endpoint, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code sha256=<hex HMAC-SHA256 of the body>}. */
    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
