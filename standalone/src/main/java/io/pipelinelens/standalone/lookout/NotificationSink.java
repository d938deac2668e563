package io.pipelinelens.standalone.lookout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the notifier's generic webhook channel delivers in standalone mode: it keeps the recent
 * deliveries and checks each signature against the shared secret.
 */
public final class NotificationSink {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String secret;
    private final int capacity;
    private final Deque<ReceivedNotification> received = new ArrayDeque<>();

    public NotificationSink(String secret, int capacity) {
        this.secret = secret;
        this.capacity = capacity;
    }

    public ReceivedNotification accept(
            byte[] body, String signatureHeader, String ceTypeHeader, String ceSubjectHeader) {
        String text = new String(body, StandardCharsets.UTF_8);
        String type = ceTypeHeader;
        String subject = ceSubjectHeader;
        String id = null;
        try {
            // Structured mode carries the attributes in the body; binary mode in ce-* headers.
            JsonNode event = JSON.readTree(text);
            if (event.isObject()) {
                type = event.path("type").isString() ? event.path("type").asString() : type;
                subject =
                        event.path("subject").isString() ? event.path("subject").asString() : subject;
                id = event.path("id").isString() ? event.path("id").asString() : null;
            }
        } catch (RuntimeException notJson) {
            // Kept as received; the type stays whatever the headers said.
        }
        ReceivedNotification notification = new ReceivedNotification(
                Instant.now(), type, subject, id, WebhookSignature.verify(secret, body, signatureHeader), text);
        synchronized (received) {
            received.addLast(notification);
            while (received.size() > capacity) {
                received.removeFirst();
            }
        }
        return notification;
    }

    public List<ReceivedNotification> notifications() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }
}
