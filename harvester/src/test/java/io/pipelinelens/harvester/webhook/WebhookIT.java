package io.pipelinelens.harvester.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.harvester.HarvesterApplication;
import io.pipelinelens.harvester.ObservationQueue;
import io.pipelinelens.harvester.ObservationQueue.Received;
import io.pipelinelens.testing.Fixtures;
import io.pipelinelens.testing.LocalRabbit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The webhook receivers over real HTTP with a real RabbitMQ: every GitHub and Lighthouse fixture is
 * accepted (202) and published; bad input is refused and publishes nothing.
 */
@SpringBootTest(classes = HarvesterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookIT {

    private static final String EXCHANGE = LocalRabbit.uniqueName("harvester-webhook-it");
    private static final String GITHUB_SECRET = "it-github-secret";
    private static final String LIGHTHOUSE_SECRET = "fixture-hmac-secret";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObservationQueue queue = new ObservationQueue(EXCHANGE);
    private static final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        registry.add("pipelinelens.harvester.exchange", () -> EXCHANGE);
        registry.add("pipelinelens.harvester.webhooks.github.secret", () -> GITHUB_SECRET);
        registry.add("pipelinelens.harvester.webhooks.lighthouse.secret", () -> LIGHTHOUSE_SECRET);
        registry.add("pipelinelens.harvester.webhooks.max-body-size", () -> "1MB");
        // No cluster in this test: one disabled kind means no watchers at all.
        registry.add("pipelinelens.harvester.kubernetes.master-url", () -> "http://127.0.0.1:9");
        registry.add("pipelinelens.harvester.kinds[0].api-version", () -> "v1");
        registry.add("pipelinelens.harvester.kinds[0].kind", () -> "Pod");
        registry.add("pipelinelens.harvester.kinds[0].enabled", () -> "false");
        registry.add("spring.rabbitmq.host", broker::host);
        registry.add("spring.rabbitmq.port", broker::port);
        registry.add("spring.rabbitmq.username", broker::username);
        registry.add("spring.rabbitmq.password", broker::password);
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void tearDown() {
        queue.close();
    }

    @Test
    void acceptsAndPublishesEveryGithubFixture() throws Exception {
        List<String> payloads = Fixtures.list("github", ".json").stream()
                .filter(f -> !f.endsWith(".headers.json"))
                .toList();
        assertThat(payloads).hasSizeGreaterThanOrEqualTo(7);
        for (String fixture : payloads) {
            byte[] body = Fixtures.bytes(fixture);
            String headersFile = fixture.replace(".json", ".headers.json");
            String event;
            String delivery;
            if (Fixtures.root().resolve(headersFile).toFile().isFile()) {
                JsonNode headers = JSON.readTree(Fixtures.bytes(headersFile));
                event = headers.get("x-github-event").asText();
                delivery = headers.get("x-github-delivery").asText();
            } else {
                // No captured headers: the event name is the file name's prefix (pull_request-opened.json).
                event = fixture.substring("github/".length(), fixture.indexOf('-'));
                delivery = "it-" + fixture.hashCode();
            }
            HttpResponse<String> response = post(
                    "/webhooks/github",
                    body,
                    Map.of(
                            "X-GitHub-Event", event,
                            "X-GitHub-Delivery", delivery,
                            "X-Hub-Signature-256", SignatureVerifier.sign(GITHUB_SECRET, body)));
            assertThat(response.statusCode()).as(fixture).isEqualTo(202);

            Received received = published(delivery);
            assertThat(received.event().getType()).isEqualTo(EventType.GIT_WEBHOOK_RECEIVED.type());
            assertThat(received.event().getSource()).hasToString("/webhooks/github");
            assertThat(received.routingKey()).isEqualTo("webhook.github." + event);
            JsonNode payload = JSON.readTree(body);
            assertThat(received.event().getSubject())
                    .isEqualTo(payload.path("repository").path("full_name").asText());
            JsonNode data = received.data();
            assertThat(data.path("provider").asText()).isEqualTo("github");
            assertThat(data.path("kind").asText()).isEqualTo(event);
            assertThat(data.path("deliveryId").asText()).isEqualTo(delivery);
            assertThat(data.has("payloadType")).isFalse();
            assertThat(data.get("payload")).isEqualTo(payload);
        }
    }

    @Test
    void acceptsEveryLighthouseFixtureWithItsOwnSignature() throws Exception {
        List<String> requests = Fixtures.list("lighthouse", ".json").stream()
                .filter(f -> f.startsWith("lighthouse/external-plugin-request-"))
                .toList();
        assertThat(requests).hasSize(5);
        for (String fixture : requests) {
            JsonNode request = JSON.readTree(Fixtures.bytes(fixture));
            // The fixture's signature covers the compact serialization of `body`; Jackson's compact
            // output keeps key order and UTF-8, so it reproduces those bytes exactly.
            byte[] body = JSON.writeValueAsBytes(request.get("body"));
            Map<String, String> headers = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            request.get("headers").properties().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                headers.put(header.getKey(), header.getValue().asText());
            }
            assertThat(SignatureVerifier.verifies(LIGHTHOUSE_SECRET, body, headers.get("X-Lighthouse-Signature")))
                    .as("the fixture's own signature verifies over the compact body of " + fixture)
                    .isTrue();
            headers.remove("User-Agent"); // restricted header in java.net.http

            HttpResponse<String> response = post("/webhooks/lighthouse", body, headers);
            assertThat(response.statusCode()).as(fixture).isEqualTo(202);

            String payloadType = headers.get("X-Lighthouse-Payload-Type");
            String kind = headers.getOrDefault("X-Lighthouse-Webhook-Kind", "activity");
            JsonNode guidNode = WebhookEventFactory.field(request.get("body"), "guid");
            String guid = guidNode == null ? null : guidNode.asText();
            String expectedId = io.pipelinelens.contracts.WebhookEvents.id(guid, body);
            Received received = published(expectedId);
            assertThat(received.event().getSource()).hasToString("/webhooks/lighthouse");
            assertThat(received.routingKey()).isEqualTo("webhook.lighthouse." + kind);
            JsonNode data = received.data();
            assertThat(data.path("provider").asText()).isEqualTo("lighthouse");
            assertThat(data.path("kind").asText()).isEqualTo(kind);
            assertThat(data.path("payloadType").asText()).isEqualTo(payloadType);
            assertThat(data.get("deliveryId").isNull()).isEqualTo(guid == null);
            assertThat(data.get("payload")).isEqualTo(request.get("body"));
            assertThat(received.event().getSubject()).contains("/");
        }
    }

    @Test
    void refusesBadInputAndPublishesNothing() throws Exception {
        byte[] body = Fixtures.bytes("github/push-to-master.json");
        Map<String, String> github = Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "refused-1");

        assertThat(post("/webhooks/github", body, with(github, "X-Hub-Signature-256", "sha256=00ff"))
                        .statusCode())
                .as("invalid signature")
                .isEqualTo(401);
        assertThat(post(
                                "/webhooks/github",
                                body,
                                with(github, "X-Hub-Signature-256", SignatureVerifier.sign("other", body)))
                        .statusCode())
                .as("signed with another secret")
                .isEqualTo(401);
        assertThat(post("/webhooks/github", body, github).statusCode())
                .as("missing signature")
                .isEqualTo(401);
        assertThat(post(
                                "/webhooks/lighthouse",
                                body,
                                Map.of("X-Lighthouse-Payload-Type", "webhook", "X-Lighthouse-Webhook-Kind", "push"))
                        .statusCode())
                .as("missing lighthouse signature")
                .isEqualTo(401);

        byte[] malformed = "{\"ref\": \"refs/heads/main\",".getBytes(StandardCharsets.UTF_8);
        assertThat(post("/webhooks/github", malformed, signed(github, malformed))
                        .statusCode())
                .as("malformed JSON")
                .isEqualTo(400);

        byte[] oversized = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(oversized, (byte) ' ');
        assertThat(post("/webhooks/github", oversized, signed(github, oversized))
                        .statusCode())
                .as("oversized body")
                .isEqualTo(413);

        byte[] empty = new byte[0];
        assertThat(post("/webhooks/github", empty, signed(github, empty)).statusCode())
                .as("empty body")
                .isEqualTo(400);

        // Nothing of the above was published: the next event on the queue is this marker.
        byte[] marker = "{\"marker\":true}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> markerHeaders =
                Map.of("X-GitHub-Event", "ping", "X-GitHub-Delivery", "marker-after-refusals");
        assertThat(post("/webhooks/github", marker, signed(markerHeaders, marker))
                        .statusCode())
                .isEqualTo(202);
        List<Received> next = queue.await(r -> true, 1, WAIT);
        assertThat(next).hasSize(1);
        assertThat(next.getFirst().event().getId()).isEqualTo("marker-after-refusals");
    }

    /**
     * Deliveries that could never be published or stored are refused with the reason (400), not
     * accepted (202) to be parked downstream, nor answered 503 to be redelivered forever.
     */
    @Test
    void refusesWithTheReasonWhatCouldNeverBePublished() throws Exception {
        Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
        Map<String, String> deliveries = new HashMap<>();
        Map<String, String> reasons = new HashMap<>();
        byte[] zen = "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        bodies.put("a delivery id over the AMQP shortstr", zen);
        deliveries.put("a delivery id over the AMQP shortstr", "d".repeat(300));
        reasons.put("a delivery id over the AMQP shortstr", "delivery id is 300 bytes");
        bodies.put("a NUL character", "{\"zen\":\"a\\u0000b\"}".getBytes(StandardCharsets.UTF_8));
        reasons.put("a NUL character", "the NUL character");
        int tooDeep = io.pipelinelens.contracts.WebhookEvents.MAX_PAYLOAD_DEPTH + 1;
        bodies.put(
                "nesting deeper than the sensemaker reads",
                ("{\"deep\":" + "[".repeat(tooDeep - 1) + "]".repeat(tooDeep - 1) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        reasons.put("nesting deeper than the sensemaker reads", "beyond what the sensemaker reads");
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        for (var body : bodies.entrySet()) {
            String delivery = deliveries.getOrDefault(
                    body.getKey(), "never-" + body.getKey().hashCode());
            Map<String, String> headers = Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", delivery);

            HttpResponse<String> response = post("/webhooks/github", body.getValue(), signed(headers, body.getValue()));

            soft.assertThat(response.statusCode()).as(body.getKey()).isEqualTo(400);
            soft.assertThat(response.body()).as(body.getKey()).contains(reasons.get(body.getKey()));
        }
        soft.assertAll();
        assertNothingPublishedSince("marker-after-never-publishable");
    }

    @Test
    void acceptsGithubsDefaultFormEncodedDeliveries() throws Exception {
        byte[] json = Fixtures.bytes("github/push-to-master.json");
        byte[] form = ("payload="
                        + java.net.URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(Map.of(
                "X-GitHub-Event", "push",
                "X-GitHub-Delivery", "form-delivery-1",
                "X-Hub-Signature-256", SignatureVerifier.sign(GITHUB_SECRET, form)));

        HttpResponse<String> response = post("/webhooks/github", form, headers, "application/x-www-form-urlencoded");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(published("form-delivery-1").data().get("payload")).isEqualTo(JSON.readTree(json));
    }

    @Test
    void refusesAChunkedBodyOverTheCapWithoutReadingItAll() throws Exception {
        long cap = 1024 * 1024;
        long[] served = {0};
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                served[0]++;
                return ' ';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) ' ');
                served[0] += len;
                return served[0] > 50 * cap ? -1 : len;
            }
        };
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", "sha256=" + "00".repeat(32))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> endless))
                .build();

        HttpResponse<String> response = null;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // The server may close the connection on a body it will not read; the answer is lost
            // with it, but the request was still refused early.
        }
        // What the client handed out includes socket buffers and the little Tomcat swallows after
        // answering: far below the 50 MB a server that reads everything would take.
        assertThat(served[0]).as("bytes the server made the client send").isLessThan(20 * cap);
        if (response != null) {
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(JSON.readTree(response.body()).path("error").asText()).startsWith("body larger than");
        }
    }

    /** Publishes a marker and checks it is the next event on the queue. */
    private void assertNothingPublishedSince(String marker) throws Exception {
        byte[] body = "{\"marker\":true}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("X-GitHub-Event", "ping", "X-GitHub-Delivery", marker);
        assertThat(post("/webhooks/github", body, signed(headers, body)).statusCode())
                .isEqualTo(202);
        List<Received> next = queue.await(r -> true, 1, WAIT);
        assertThat(next).hasSize(1);
        assertThat(next.getFirst().event().getId()).isEqualTo(marker);
    }

    private Received published(String id) {
        List<Received> found = queue.await(r -> id.equals(r.event().getId()), 1, WAIT);
        assertThat(found).as("published " + id).hasSize(1);
        return found.getFirst();
    }

    private static Map<String, String> signed(Map<String, String> headers, byte[] body) {
        return with(headers, "X-Hub-Signature-256", SignatureVerifier.sign(GITHUB_SECRET, body));
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new HashMap<>(headers);
        copy.put(name, value);
        return copy;
    }

    private HttpResponse<String> post(String path, byte[] body, Map<String, String> headers) throws Exception {
        return post(path, body, headers, "application/json");
    }

    private HttpResponse<String> post(String path, byte[] body, Map<String, String> headers, String contentType)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
