package io.pipelinelens.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class LimitsTests {

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("ascii", "abc-123", 7),
                Arguments.of("two-byte letters", "äöü", 6),
                Arguments.of("three-byte letters", "日本", 6),
                Arguments.of("a surrogate pair is one four-byte character", "a😀b", 6),
                Arguments.of("empty", "", 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void countsUtf8BytesAsTheEncoderDoes(String what, String text, int bytes) {
        assertThat(Limits.utf8Length(text)).isEqualTo(bytes);
        assertThat(Limits.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    static Stream<Arguments> storable() {
        return Stream.of(
                Arguments.of("plain text", "refs/heads/main", null),
                Arguments.of("an emoji (a surrogate pair)", "ship it 🚀", null),
                Arguments.of("a NUL character", "before\u0000after", "the NUL character (\\u0000)"),
                Arguments.of("a high surrogate alone", "x\ud83dy", "an unpaired surrogate (\\ud83d)"),
                Arguments.of("a high surrogate at the end", "x\ud83d", "an unpaired surrogate (\\ud83d)"),
                Arguments.of("a low surrogate alone", "\ude00x", "an unpaired surrogate (\\ude00)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storable")
    void namesWhatTheDatabaseCannotStore(String what, String text, String reason) {
        if (reason == null) {
            assertThat(Limits.unstorable(text)).isEmpty();
        } else {
            assertThat(Limits.unstorable(text)).hasValue(reason);
        }
    }

    @Test
    void boundsIdsAtTheAmqpShortstrAndKeysAtKubernetesNames() {
        assertThat(Limits.fitsId("a".repeat(255))).isTrue();
        assertThat(Limits.fitsId("a".repeat(256))).isFalse();
        assertThat(Limits.fitsId("ä".repeat(128)))
                .as("256 bytes in 128 characters")
                .isFalse();
        assertThat(Limits.fitsKey("a".repeat(253))).isTrue();
        assertThat(Limits.fitsKey("a".repeat(254))).isFalse();
    }

    @Test
    void makesValuesPrintableAndShort() {
        assertThat(Limits.printable("delivery-1", 40)).isEqualTo("delivery-1");
        assertThat(Limits.printable("a\nforged line", 40)).isEqualTo("a?forged line");
        assertThat(Limits.printable("x".repeat(50), 10)).isEqualTo("x".repeat(10) + "…");
        assertThat(Limits.printable("123456789😀", 10)).as("never half a pair").isEqualTo("123456789…");
    }

    @Test
    void aWebhookPayloadSitsAsDeepInItsCloudEventAsTheLimitAssumes() {
        JsonNode sample = CatalogSchemas.JSON.readTree(Catalog.sample(EventType.GIT_WEBHOOK_RECEIVED));

        // The envelope is level 1, data level 2: the payload's own top level is one below that.
        assertThat(sample.path("data").path("payload").isObject()).isTrue();
        assertThat(WebhookEvents.PAYLOAD_NESTING).isEqualTo(2);
        assertThat(WebhookEvents.MAX_PAYLOAD_DEPTH + WebhookEvents.PAYLOAD_NESTING)
                .isEqualTo(Limits.MAX_JSON_DEPTH);
    }
}
