package io.pipelinelens.notifier;

import io.pipelinelens.contracts.Channel;
import io.pipelinelens.contracts.EventType;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code pipelinelens.notifier.*}. The defaults live here as well as in
 * application.yaml so that the notifier behaves the same when the standalone launcher embeds its jar
 * without that file.
 *
 * @param topic the sensemaker's status topic
 * @param deadLetterTopic where records go that cannot be read or delivered
 * @param groupId the Kafka consumer group; replicas share it
 * @param concurrency listener threads (at most one per partition is useful)
 * @param webhooks generic webhook channels
 * @param retry retries of one delivery to one channel
 * @param http timeouts of outgoing HTTP calls
 * @param dedupe the in-memory memory of recent deliveries
 */
@ConfigurationProperties("pipelinelens.notifier")
public record NotifierProperties(
        @DefaultValue("pipeline-lens.status") String topic,
        @DefaultValue("pipeline-lens.status.dlt") String deadLetterTopic,
        @DefaultValue("pipeline-lens-notifier") String groupId,
        @DefaultValue("1") int concurrency,
        List<Webhook> webhooks,
        @DefaultValue Retry retry,
        @DefaultValue Http http,
        @DefaultValue Dedupe dedupe) {

    public NotifierProperties {
        requireText(topic, "pipelinelens.notifier.topic");
        requireText(deadLetterTopic, "pipelinelens.notifier.dead-letter-topic");
        requireText(groupId, "pipelinelens.notifier.group-id");
        if (topic.equals(deadLetterTopic)) {
            throw new IllegalArgumentException(
                    "pipelinelens.notifier.dead-letter-topic must differ from pipelinelens.notifier.topic");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("pipelinelens.notifier.concurrency must be at least 1");
        }
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < webhooks.size(); i++) {
            Webhook webhook = webhooks.get(i);
            String at = "pipelinelens.notifier.webhooks[" + i + "]";
            if (webhook == null) {
                throw new IllegalArgumentException(at + " is empty");
            }
            webhook.check(at);
            if (!names.add(webhook.name())) {
                throw new IllegalArgumentException(at + ".name '" + webhook.name() + "' is used by another webhook");
            }
        }
    }

    /**
     * A generic webhook: every matching status event is POSTed to {@code url} as a signed
     * structured-mode CloudEvent.
     *
     * @param name unique channel name; part of the delivery id and of the metrics
     * @param url absolute http(s) URL
     * @param secret HMAC-SHA256 key of the {@code X-Pipeline-Lens-Signature} header
     * @param types CloudEvent types to deliver; empty means all
     */
    public record Webhook(String name, URI url, String secret, List<String> types) {

        public Webhook {
            types = types == null ? List.of() : List.copyOf(types);
        }

        void check(String at) {
            requireText(name, at + ".name");
            if (url == null || url.toString().isBlank()) {
                throw new IllegalArgumentException(at + ".url is required (webhook '" + name + "')");
            }
            String scheme = url.getScheme();
            if (!url.isAbsolute() || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                throw new IllegalArgumentException(
                        at + ".url must be an absolute http(s) URL (webhook '" + name + "'), got " + url);
            }
            if (secret == null || secret.isBlank()) {
                throw new IllegalArgumentException(at + ".secret is required (webhook '" + name
                        + "'): receivers verify the X-Pipeline-Lens-Signature header with it");
            }
            for (String type : types) {
                boolean statusType = EventType.of(type)
                        .filter(t -> t.channel() == Channel.STATUS)
                        .isPresent();
                if (!statusType) {
                    throw new IllegalArgumentException(
                            at + ".types names '" + type + "', which is not a status event type of the catalog");
                }
            }
        }

        public boolean wants(String type) {
            return types.isEmpty() || types.contains(type);
        }
    }

    /**
     * @param maxAttempts attempts per delivery, the first included
     * @param initialBackoff pause before the second attempt
     * @param multiplier growth of the pause per attempt
     * @param maxBackoff cap of any pause, a {@code Retry-After} included (the consumer waits meanwhile)
     */
    public record Retry(
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("200ms") Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("10s") Duration maxBackoff) {

        public Retry {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("pipelinelens.notifier.retry.max-attempts must be at least 1");
            }
            if (initialBackoff.isNegative() || maxBackoff.isNegative() || multiplier < 1.0) {
                throw new IllegalArgumentException(
                        "pipelinelens.notifier.retry: backoffs must not be negative and the multiplier must be >= 1");
            }
        }
    }

    /**
     * @param connectTimeout TCP connect timeout of outgoing calls
     * @param readTimeout time to wait for a response
     */
    public record Http(
            @DefaultValue("2s") Duration connectTimeout,
            @DefaultValue("5s") Duration readTimeout) {}

    /** @param capacity how many recent (event id, channel) pairs are remembered */
    public record Dedupe(@DefaultValue("10000") int capacity) {

        public Dedupe {
            if (capacity < 1) {
                throw new IllegalArgumentException("pipelinelens.notifier.dedupe.capacity must be at least 1");
            }
        }
    }

    private static void requireText(String value, String property) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " must not be blank");
        }
    }
}
