package io.pipelinelens.sensemaker.lineage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic OpenTelemetry ids: every replica, before or after a restart, computes the same ids
 * for the same resources, so a span can be exported as soon as it ends and re-exporting is
 * harmless.
 */
public final class TraceIds {

    private TraceIds() {}

    /** Trace id (32 hex digits) of the trace rooted at {@code rootKey}. */
    public static String traceId(String rootKey) {
        return hash("trace:" + rootKey, 16);
    }

    /** Span id (16 hex digits) of a resource's own span. */
    public static String spanId(String uid) {
        return hash("span:" + uid, 8);
    }

    /** Span id of a span derived from a resource: a step or a phase of it. */
    public static String spanId(String uid, String part) {
        return hash("span:" + uid + "/" + part, 8);
    }

    /** Root key of a git event (a webhook delivery GUID). */
    public static String gitEventRoot(String guid) {
        return "git-event:" + guid;
    }

    /** Root key of a Tekton Triggers event. */
    public static String triggersRoot(String eventId) {
        return "triggers:" + eventId;
    }

    /**
     * A GitHub pull request: the uid of its node, and the root key of the trace it starts when it
     * links no parent pull request.
     */
    public static String pullRequest(String repository, long number) {
        return "pr:" + repository + "#" + number;
    }

    /** Root key of a trace that starts at a resource with no findable parent. */
    public static String resourceRoot(String uid) {
        return "resource:" + uid;
    }

    private static String hash(String key, int bytes) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        byte[] id = new byte[bytes];
        System.arraycopy(digest, 0, id, 0, bytes);
        // All-zero ids are invalid in OpenTelemetry; SHA-256 yielding one is not a real concern,
        // but the guard keeps the id valid by construction.
        boolean zero = true;
        for (byte b : id) {
            zero &= b == 0;
        }
        if (zero) {
            id[bytes - 1] = 1;
        }
        return HexFormat.of().formatHex(id);
    }
}
