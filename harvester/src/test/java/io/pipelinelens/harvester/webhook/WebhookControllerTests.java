package io.pipelinelens.harvester.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.harvester.publish.EventPublisher;
import io.pipelinelens.harvester.publish.Publication;
import io.pipelinelens.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class WebhookControllerTests {

    private static final String SECRET = "fixture-hmac-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records what would have been sent; these tests only check that nothing is. */
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

    @Test
    void refusesEverySignedDeliveryWhenNoSecretIsConfigured() throws Exception {
        HarvesterProperties unconfigured = new HarvesterProperties(null, null, null, null, null, null, null);
        WebhookController controller = new WebhookController(unconfigured, recorder, new SimpleMeterRegistry());
        byte[] body = "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

        var github = controller.github(request(body), "sha256=" + "00".repeat(32), "ping", "d-1");
        var lighthouse = controller.lighthouse(request(body), null, "webhook", "push");

        assertThat(github.getStatusCode().value()).isEqualTo(401);
        assertThat(lighthouse.getStatusCode().value()).isEqualTo(401);
        assertThat(sent).isEmpty();
    }

    @Test
    void aLighthouseRequestWithoutPayloadTypeIsAWebhookWhenTheBodyIsAGoScmWebhook() throws Exception {
        WebhookController controller = lighthouseController();
        JsonNode fixture = JSON.readTree(Fixtures.bytes("lighthouse/external-plugin-request-webhook-push.json"));
        byte[] body = JSON.writeValueAsBytes(fixture.get("body"));

        var response = controller.lighthouse(request(body), SignatureVerifier.sign(SECRET, body), null, "push");

        assertThat(response.getStatusCode().value()).isEqualTo(202);
        assertThat(sent).hasSize(1);
        JsonNode data = JSON.readTree(sent.getFirst().event().getData().toBytes());
        assertThat(data.path("payloadType").asText()).isEqualTo("webhook");
        assertThat(data.path("kind").asText()).isEqualTo("push");
        assertThat(sent.getFirst().routingKey()).isEqualTo("webhook.lighthouse.push");
    }

    @Test
    void aLighthouseRequestWithoutPayloadTypeThatIsNoGoScmWebhookIsRefusedWithTheReason() throws Exception {
        WebhookController controller = lighthouseController();
        JsonNode fixture = JSON.readTree(Fixtures.bytes("lighthouse/external-plugin-request-activity.json"));
        byte[] body = JSON.writeValueAsBytes(fixture.get("body"));

        var response = controller.lighthouse(request(body), SignatureVerifier.sign(SECRET, body), null, null);

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getBody().get("error")).contains("X-Lighthouse-Payload-Type is missing");
        assertThat(sent).isEmpty();
    }

    private WebhookController lighthouseController() {
        HarvesterProperties properties = new HarvesterProperties(
                null,
                null,
                null,
                null,
                null,
                null,
                new HarvesterProperties.Webhooks(null, null, new HarvesterProperties.Secret(SECRET), null));
        return new WebhookController(properties, recorder, new SimpleMeterRegistry());
    }

    private static MockHttpServletRequest request(byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/github");
        request.setContent(body);
        request.setContentType("application/json");
        return request;
    }
}
