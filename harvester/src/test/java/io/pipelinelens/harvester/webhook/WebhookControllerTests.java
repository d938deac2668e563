package io.pipelinelens.harvester.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelinelens.contracts.WebhookEvents;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.harvester.publish.EventPublisher;
import io.pipelinelens.harvester.publish.Publication;
import io.pipelinelens.testing.Fixtures;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

@ExtendWith(OutputCaptureExtension.class)
class WebhookControllerTests {

    private static final String SECRET = "fixture-hmac-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";

    /** Records what would have been sent. */
    private final List<Publication> sent = new ArrayList<>();

    private final EventPublisher recorder = new EventPublisher() {
        @Override
        public CompletableFuture<Void> publish(Publication publication) {
            sent.add(publication);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean connected() {
            return true;
        }

        @Override
        public void disconnected() {}
    };

    /** Deliveries that could never be published or stored: 400 with the reason, never 202 or 503. */
    static Stream<Arguments> neverPublishable() {
        return Stream.of(
                github(
                        "a delivery id over the AMQP shortstr",
                        "d".repeat(256),
                        JSON_TYPE,
                        "{\"zen\":\"hi\"}",
                        "delivery id is 256 bytes, more than the 255"),
                github(
                        "a delivery id of 128 two-byte letters",
                        "ü".repeat(128),
                        JSON_TYPE,
                        "{\"zen\":\"hi\"}",
                        "delivery id is 256 bytes"),
                github(
                        "a NUL in a value",
                        "d-nul",
                        JSON_TYPE,
                        "{\"zen\":\"a\\u0000b\"}",
                        "body has the NUL character (\\u0000) in zen, which the sensemaker cannot store"),
                github(
                        "a NUL deep inside",
                        "d-nul-deep",
                        JSON_TYPE,
                        "{\"commits\":[{\"message\":\"\\u0000\"}]}",
                        "the NUL character (\\u0000) in commits[0].message"),
                github(
                        "a NUL in a field name",
                        "d-nul-name",
                        JSON_TYPE,
                        "{\"a\\u0000\":1}",
                        "the NUL character (\\u0000) in a field name"),
                github(
                        "an unpaired surrogate",
                        "d-surrogate",
                        JSON_TYPE,
                        "{\"title\":\"\\ud800\"}",
                        "an unpaired surrogate (\\ud800) in title"),
                github(
                        "nesting one level deeper than the sensemaker reads",
                        "d-deep",
                        JSON_TYPE,
                        nested(WebhookEvents.MAX_PAYLOAD_DEPTH + 1),
                        "body is beyond what the sensemaker reads"),
                github("invalid JSON", "d-invalid", JSON_TYPE, "{\"ref\": \"refs/heads/main\",", "body is not JSON"),
                github("trailing tokens", "d-trailing", JSON_TYPE, "{\"a\":1} {\"b\":2}", "body is not JSON"),
                github("a JSON array", "d-array", JSON_TYPE, "[1, 2]", "body is not a JSON object"),
                github(
                        "a repository name too long to index",
                        "d-repo",
                        JSON_TYPE,
                        "{\"repository\":{\"full_name\":\"" + "r".repeat(254) + "\"}}",
                        "repository.full_name is 254 bytes, more than the 253"),
                github(
                        "a form without a payload field",
                        "d-form",
                        FORM_TYPE,
                        "other=1",
                        "form body has no payload field"),
                github(
                        "a form whose payload is not JSON",
                        "d-form-bad",
                        FORM_TYPE,
                        "payload=not+json",
                        "body is not JSON"),
                github(
                        "a form that is not URL-encoded",
                        "d-form-enc",
                        FORM_TYPE,
                        "payload=%zz",
                        "form body is not URL-encoded"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neverPublishable")
    void refusesWithTheReasonWhatCouldNeverBePublished(
            String what, String delivery, String contentType, String body, String reason, CapturedOutput output)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        var response = controller()
                .github(request(bytes, contentType), SignatureVerifier.sign(SECRET, bytes), "push", delivery);

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getBody().get("error")).contains(reason);
        assertThat(sent).isEmpty();
        assertThat(output.getOut())
                .as("logged with its delivery id and reason")
                .containsPattern("WARN .*Refused a github webhook, delivery "
                        + java.util.regex.Pattern.quote(delivery.substring(0, Math.min(delivery.length(), 20)))
                        + ".*: 400 ");
    }

    static Stream<Arguments> publishable() {
        return Stream.of(
                github("a delivery id of exactly 255 bytes", "d".repeat(255), JSON_TYPE, "{\"zen\":\"hi\"}", null),
                github(
                        "nesting exactly as deep as the sensemaker reads",
                        "d-deep-ok",
                        JSON_TYPE,
                        nested(WebhookEvents.MAX_PAYLOAD_DEPTH),
                        null),
                github(
                        "an emoji (a surrogate pair)",
                        "d-emoji",
                        JSON_TYPE,
                        "{\"title\":\"ship it \\ud83d\\ude80\"}",
                        null),
                github(
                        "GitHub's default form encoding",
                        "d-form-ok",
                        FORM_TYPE,
                        "payload="
                                + URLEncoder.encode(
                                        "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}",
                                        StandardCharsets.UTF_8),
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishable")
    void publishesWhatFitsTheLimitsExactly(String what, String delivery, String contentType, String body, String unused)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        var response = controller()
                .github(request(bytes, contentType), SignatureVerifier.sign(SECRET, bytes), "push", delivery);

        assertThat(response.getStatusCode().value()).isEqualTo(202);
        assertThat(sent).singleElement().satisfies(p -> assertThat(p.id()).isEqualTo(delivery));
    }

    @Test
    void publishesTheJsonOfAFormDeliveryAndChecksTheSignatureOverTheRawForm() throws Exception {
        byte[] fixture = Fixtures.bytes("github/push-to-master.json");
        String json = new String(fixture, StandardCharsets.UTF_8);
        byte[] form = ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);

        var signedOverJson =
                controller().github(request(form, FORM_TYPE), SignatureVerifier.sign(SECRET, fixture), "push", "f-1");
        var signedOverForm =
                controller().github(request(form, FORM_TYPE), SignatureVerifier.sign(SECRET, form), "push", "f-1");

        assertThat(signedOverJson.getStatusCode().value())
                .as("GitHub signs the body it sends")
                .isEqualTo(401);
        assertThat(signedOverForm.getStatusCode().value()).isEqualTo(202);
        JsonNode data = JSON.readTree(sent.getFirst().event().getData().toBytes());
        assertThat(data.get("payload")).isEqualTo(JSON.readTree(fixture));
    }

    @Test
    void refusesALighthouseDeliveryWhoseGuidIsTooLongForAnEventId(CapturedOutput output) throws Exception {
        String guid = "g".repeat(300);
        byte[] body = ("{\"GUID\":\"" + guid + "\",\"Repo\":{\"FullName\":\"o/r\"}}").getBytes(StandardCharsets.UTF_8);

        var response = lighthouse(body, "webhook", "push");

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getBody().get("error")).startsWith("delivery id is 300 bytes");
        assertThat(sent).isEmpty();
        assertThat(output.getOut()).contains("Refused a lighthouse webhook, delivery " + "g".repeat(80) + "…: 400");
    }

    @Test
    void refusesEverySignedDeliveryWhenNoSecretIsConfigured() throws Exception {
        HarvesterProperties unconfigured = new HarvesterProperties(null, null, null, null, null, null, null);
        WebhookController controller = new WebhookController(unconfigured, recorder, new SimpleMeterRegistry());
        byte[] body = "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

        var github = controller.github(request(body, JSON_TYPE), "sha256=" + "00".repeat(32), "ping", "d-1");
        var lighthouse = controller.lighthouse(request(body, JSON_TYPE), null, "webhook", "push");

        assertThat(github.getStatusCode().value()).isEqualTo(401);
        assertThat(lighthouse.getStatusCode().value()).isEqualTo(401);
        assertThat(sent).isEmpty();
    }

    @Test
    void aLighthouseRequestWithoutPayloadTypeIsAWebhookWhenTheBodyIsAGoScmWebhook() throws Exception {
        JsonNode fixture = JSON.readTree(Fixtures.bytes("lighthouse/external-plugin-request-webhook-push.json"));
        byte[] body = JSON.writeValueAsBytes(fixture.get("body"));

        var response = lighthouse(body, null, "push");

        assertThat(response.getStatusCode().value()).isEqualTo(202);
        assertThat(sent).hasSize(1);
        JsonNode data = JSON.readTree(sent.getFirst().event().getData().toBytes());
        assertThat(data.path("payloadType").asText()).isEqualTo("webhook");
        assertThat(data.path("kind").asText()).isEqualTo("push");
        assertThat(sent.getFirst().routingKey()).isEqualTo("webhook.lighthouse.push");
    }

    @Test
    void aLighthouseRequestWithoutPayloadTypeThatIsNoGoScmWebhookIsRefusedWithTheReason() throws Exception {
        JsonNode fixture = JSON.readTree(Fixtures.bytes("lighthouse/external-plugin-request-activity.json"));
        byte[] body = JSON.writeValueAsBytes(fixture.get("body"));

        var response = lighthouse(body, null, null);

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getBody().get("error")).contains("X-Lighthouse-Payload-Type is missing");
        assertThat(sent).isEmpty();
    }

    private ResponseEntity<java.util.Map<String, String>> lighthouse(byte[] body, String payloadType, String kind)
            throws Exception {
        return controller()
                .lighthouse(request(body, JSON_TYPE), SignatureVerifier.sign(SECRET, body), payloadType, kind);
    }

    private WebhookController controller() {
        HarvesterProperties.Secret secret = new HarvesterProperties.Secret(SECRET);
        HarvesterProperties properties = new HarvesterProperties(
                null, null, null, null, null, null, new HarvesterProperties.Webhooks(null, secret, secret, null));
        return new WebhookController(properties, recorder, new SimpleMeterRegistry());
    }

    private static Arguments github(String what, String delivery, String contentType, String body, String reason) {
        return Arguments.of(what, delivery, contentType, body, reason);
    }

    /** A JSON object whose deepest array is {@code depth} levels down (the object is level 1). */
    private static String nested(int depth) {
        return "{\"deep\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    private static MockHttpServletRequest request(byte[] body, String contentType) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/github");
        request.setContent(body);
        request.setContentType(contentType);
        return request;
    }
}
