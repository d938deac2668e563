package io.pipelinelens.sensemaker.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Ids are W3C-valid, deterministic and distinct per purpose, so every replica computes the same. */
class TraceIdsTests {

    private static final String UID = "cee5d7db-7ffa-48cc-8c65-60540d0644f8";

    @Test
    void traceIdsAre32LowerCaseHexDigitsAndNotAllZero() {
        String id = TraceIds.traceId(TraceIds.resourceRoot(UID));
        assertThat(id).hasSize(32).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    }

    @Test
    void spanIdsAre16LowerCaseHexDigitsAndNotAllZero() {
        assertThat(TraceIds.spanId(UID)).hasSize(16).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
        assertThat(TraceIds.spanId(UID, "step-build")).matches("[0-9a-f]{16}");
    }

    @Test
    void theSameKeyAlwaysYieldsTheSameIdsAsAnIndependentSha256() throws Exception {
        assertThat(TraceIds.traceId("git-event:abc")).isEqualTo(TraceIds.traceId("git-event:abc"));
        assertThat(TraceIds.traceId(TraceIds.gitEventRoot("abc"))).isEqualTo(sha256Hex("trace:git-event:abc", 16));
        assertThat(TraceIds.spanId(UID)).isEqualTo(sha256Hex("span:" + UID, 8));
        assertThat(TraceIds.spanId(UID, "phase")).isEqualTo(sha256Hex("span:" + UID + "/phase", 8));
    }

    @Test
    void differentKeysAndPurposesYieldDifferentIds() {
        assertThat(TraceIds.traceId(TraceIds.gitEventRoot("x")))
                .isNotEqualTo(TraceIds.traceId(TraceIds.resourceRoot("x")));
        assertThat(TraceIds.spanId(UID)).isNotEqualTo(TraceIds.spanId(UID, "step"));
        assertThat(TraceIds.spanId(UID, "a")).isNotEqualTo(TraceIds.spanId(UID, "b"));
        assertThat(TraceIds.spanId("other")).isNotEqualTo(TraceIds.spanId(UID));
        // A span id is not simply a prefix of the trace id of the same resource.
        assertThat(TraceIds.traceId(UID)).doesNotStartWith(TraceIds.spanId(UID));
    }

    @Test
    void rootKeysNameWhatTheTraceStartsAt() {
        assertThat(TraceIds.gitEventRoot("71c43bfc")).isEqualTo("git-event:71c43bfc");
        assertThat(TraceIds.resourceRoot(UID)).isEqualTo("resource:" + UID);
    }

    private static String sha256Hex(String text, int bytes) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, bytes);
    }
}
