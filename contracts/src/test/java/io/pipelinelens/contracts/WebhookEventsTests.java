package io.pipelinelens.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipelinelens.contracts.WebhookEvents.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookEventsTests {

    private static final byte[] BODY = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void githubDeliveryIdIsUsedAsIs() {
        String delivery = FixtureFiles.json("github/push-to-master.headers.json")
                .path("x-github-delivery")
                .asString();

        assertThat(WebhookEvents.id(delivery, BODY))
                .isEqualTo(delivery)
                .isEqualTo("88f41318-101a-11ea-99ad-ec7586fcd78e");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void webhookWithoutGuidGetsTheSha256OfItsBody(String noGuid) throws Exception {
        String expected = "sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(BODY));

        assertThat(WebhookEvents.id(noGuid, BODY)).isEqualTo(expected).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void theSameBodyWithoutGuidYieldsTheSameIdAndAnotherBodyAnother() {
        byte[] activity = FixtureFiles.text("lighthouse/external-plugin-request-activity.json")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(WebhookEvents.id(null, activity)).isEqualTo(WebhookEvents.id(null, activity.clone()));
        assertThat(WebhookEvents.id(null, activity)).isNotEqualTo(WebhookEvents.id(null, BODY));
        assertThat(WebhookEvents.sha256("{}")).isEqualTo(WebhookEvents.sha256("{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sourceNamesTheProvider() {
        assertThat(WebhookEvents.source(Provider.GITHUB)).isEqualTo("/webhooks/github");
        assertThat(WebhookEvents.source(Provider.LIGHTHOUSE)).isEqualTo("/webhooks/lighthouse");
    }

    @Test
    void routingKeyIsProviderAndLowerCaseKind() {
        assertThat(WebhookEvents.routingKey(Provider.GITHUB, "pull_request")).isEqualTo("webhook.github.pull_request");
        assertThat(WebhookEvents.routingKey(Provider.LIGHTHOUSE, "Activity")).isEqualTo("webhook.lighthouse.activity");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " "})
    void routingKeyRejectsABlankKind(String blank) {
        assertThatThrownBy(() -> WebhookEvents.routingKey(Provider.GITHUB, blank))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kind");
    }
}
