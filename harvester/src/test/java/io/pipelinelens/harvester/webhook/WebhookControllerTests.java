package io.pipelinelens.harvester.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.harvester.publish.EventPublisher;
import io.pipelinelens.harvester.publish.Publication;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class WebhookControllerTests {

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

    private static MockHttpServletRequest request(byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/github");
        request.setContent(body);
        request.setContentType("application/json");
        return request;
    }
}
