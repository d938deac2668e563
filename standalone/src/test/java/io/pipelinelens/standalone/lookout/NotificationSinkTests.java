package io.pipelinelens.standalone.lookout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NotificationSinkTests {

    private static final String SECRET = "sink-secret";
    private static final byte[] EVENT = """
            {"specversion":"1.0","id":"abc/dev.cdevents.pipelinerun.finished.0.3.0",
             "type":"dev.cdevents.pipelinerun.finished.0.3.0","source":"/sensemaker/standalone",
             "subject":"jx/build-1","data":{}}""".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsTheSignatureOfTheExactBodyWithTheSharedSecret() {
        NotificationSink sink = new NotificationSink(SECRET, 10);

        ReceivedNotification received = sink.accept(EVENT, WebhookSignature.sign(SECRET, EVENT), null, null);

        assertThat(received.signatureValid()).isTrue();
        assertThat(received.type()).isEqualTo("dev.cdevents.pipelinerun.finished.0.3.0");
        assertThat(received.subject()).isEqualTo("jx/build-1");
        assertThat(sink.notifications()).containsExactly(received);
    }

    @Test
    void rejectsAWrongSecretATamperedBodyAndAMissingHeader() {
        NotificationSink sink = new NotificationSink(SECRET, 10);
        byte[] tampered = new String(EVENT, StandardCharsets.UTF_8)
                .replace("build-1", "build-2")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(sink.accept(EVENT, WebhookSignature.sign("other-secret", EVENT), null, null)
                        .signatureValid())
                .isFalse();
        assertThat(sink.accept(tampered, WebhookSignature.sign(SECRET, EVENT), null, null)
                        .signatureValid())
                .isFalse();
        assertThat(sink.accept(EVENT, null, null, null).signatureValid()).isFalse();
        assertThat(sink.accept(
                                EVENT,
                                "sha1=" + WebhookSignature.sign(SECRET, EVENT).substring(7),
                                null,
                                null)
                        .signatureValid())
                .isFalse();
    }

    @Test
    void signsAsTheWireContractSaysHexHmacSha256WithAPrefix() {
        // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
        assertThat(WebhookSignature.sign("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void takesTypeAndSubjectFromCeHeadersForABinaryModeDelivery() {
        NotificationSink sink = new NotificationSink(SECRET, 10);
        byte[] data = "{\"outcome\":\"failure\"}".getBytes(StandardCharsets.UTF_8);

        ReceivedNotification received =
                sink.accept(data, WebhookSignature.sign(SECRET, data), "io.pipelinelens.pipeline.broken.v1", "jx/app");

        assertThat(received.type()).isEqualTo("io.pipelinelens.pipeline.broken.v1");
        assertThat(received.subject()).isEqualTo("jx/app");
        assertThat(received.signatureValid()).isTrue();
    }

    @Test
    void keepsOnlyTheMostRecentDeliveries() {
        NotificationSink sink = new NotificationSink(SECRET, 2);
        for (int i = 0; i < 3; i++) {
            byte[] body = ("{\"id\":\"" + i + "\"}").getBytes(StandardCharsets.UTF_8);
            sink.accept(body, WebhookSignature.sign(SECRET, body), null, null);
        }
        assertThat(sink.notifications()).extracting(ReceivedNotification::id).containsExactly("1", "2");
    }
}
