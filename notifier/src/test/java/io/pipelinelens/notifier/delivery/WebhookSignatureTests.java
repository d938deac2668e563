package io.pipelinelens.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTests {

    @Test
    void signsWithTheRfc4231TestVector() {
        // RFC 4231, test case 2.
        String signature =
                WebhookSignature.sign("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));

        assertThat(signature).isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void signsTheExactBytes() {
        byte[] body = "{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8);
        byte[] reformatted = "{\"id\": \"a\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(WebhookSignature.sign("s3cret", body)).isNotEqualTo(WebhookSignature.sign("s3cret", reformatted));
        assertThat(WebhookSignature.sign("s3cret", body)).isNotEqualTo(WebhookSignature.sign("other", body));
    }

    @Test
    void usesLowerCaseHex() {
        String signature = WebhookSignature.sign("k", new byte[] {1, 2, 3});

        assertThat(signature).matches("sha256=[0-9a-f]{64}");
    }
}
