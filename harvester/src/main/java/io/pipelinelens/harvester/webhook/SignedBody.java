package io.pipelinelens.harvester.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.crypto.Mac;

/**
 * A webhook body read in chunks, each one fed to the HMAC as it arrives, and stopped as soon as it
 * passes the size cap: memory grows with what a sender actually sends, never to the cap up front,
 * and an over-size body is refused after reading one byte more than the cap.
 *
 * @param hmac the HMAC of exactly {@code bytes}
 */
record SignedBody(byte[] bytes, byte[] hmac) {

    private static final int CHUNK = 16 * 1024;

    /** More bytes arrived than the cap allows. */
    static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("body larger than " + max + " bytes");
        }
    }

    /** Reads to the end of {@code in}; the stream is the caller's to close. */
    static SignedBody read(InputStream in, Mac mac, long maxBytes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(CHUNK);
        byte[] chunk = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) != -1) {
            total += n;
            if (total > maxBytes) {
                throw new TooLarge(maxBytes);
            }
            mac.update(chunk, 0, n);
            body.write(chunk, 0, n);
        }
        return new SignedBody(body.toByteArray(), mac.doFinal());
    }
}
