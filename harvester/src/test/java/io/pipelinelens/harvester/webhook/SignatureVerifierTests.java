package io.pipelinelens.harvester.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureVerifierTests {

    private static final byte[] BODY = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsTheHmacOfTheExactBody() {
        // Reference computed independently (Python hmac) for secret "secret" over BODY.
        String expected = "sha256=b4d0fd3983e1d5612eaebe005a2092e7176a5e0e6a583899433148eb91c11b4e";
        assertThat(SignatureVerifier.sign("secret", BODY)).isEqualTo(expected);
        assertThat(SignatureVerifier.verifies("secret", BODY, expected)).isTrue();
    }

    @Test
    void acceptsUpperCaseHex() {
        String signature = SignatureVerifier.sign("secret", BODY);
        assertThat(SignatureVerifier.verifies(
                        "secret", BODY, "sha256=" + signature.substring(7).toUpperCase()))
                .isTrue();
    }

    @Test
    void refusesAnotherSecretAnotherBodyAndMalformedHeaders() {
        String signature = SignatureVerifier.sign("secret", BODY);
        byte[] tampered = "{\"zen\":\"Keep it logically awesome!\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(SignatureVerifier.verifies("other", BODY, signature)).isFalse();
        assertThat(SignatureVerifier.verifies("secret", tampered, signature)).isFalse();
        assertThat(SignatureVerifier.verifies("secret", BODY, signature.substring(7)))
                .as("no sha256= prefix")
                .isFalse();
        assertThat(SignatureVerifier.verifies("secret", BODY, "sha1=" + signature.substring(7)))
                .isFalse();
        assertThat(SignatureVerifier.verifies("secret", BODY, "sha256=zz"))
                .as("not hex")
                .isFalse();
        assertThat(SignatureVerifier.verifies("secret", BODY, signature.substring(0, 20)))
                .as("truncated")
                .isFalse();
        assertThat(SignatureVerifier.verifies("secret", BODY, null)).isFalse();
        assertThat(SignatureVerifier.verifies("", BODY, signature))
                .as("no secret")
                .isFalse();
        assertThat(SignatureVerifier.verifies(null, BODY, signature)).isFalse();
    }

    @Test
    void matchesAKnownGithubExample() {
        // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
        byte[] payload = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        assertThat(SignatureVerifier.verifies(
                        "It's a Secret to Everybody",
                        payload,
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"))
                .isTrue();
    }
}
