package io.pipelinelens.harvester.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code sha256=<hex HMAC-SHA256 of the raw body>} signatures, the scheme of both GitHub's
 * {@code X-Hub-Signature-256} and Lighthouse's {@code X-Lighthouse-Signature}.
 */
public final class SignatureVerifier {

    private static final String PREFIX = "sha256=";

    private SignatureVerifier() {}

    /** True only when the header carries the HMAC of exactly these bytes; compared in constant time. */
    public static boolean verifies(String secret, byte[] body, String header) {
        if (secret == null || secret.isEmpty()) {
            return false;
        }
        return matches(hmac(secret, body), header);
    }

    /** True only when the header carries this HMAC, computed by the caller; compared in constant time. */
    public static boolean matches(byte[] hmac, String header) {
        if (header == null || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac, given);
    }

    /** {@code sha256=<hex>} for a body: what a sender puts in the header. */
    public static String sign(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    private static byte[] hmac(String secret, byte[] body) {
        return mac(secret).doFinal(body);
    }

    /** A fresh HMAC-SHA256 keyed with the secret, for a body that is read in pieces. */
    public static Mac mac(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
