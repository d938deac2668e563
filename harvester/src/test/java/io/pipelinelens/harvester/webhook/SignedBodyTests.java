package io.pipelinelens.harvester.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HMAC is computed as the body streams in, and reading stops just past the cap. */
class SignedBodyTests {

    private static final String SECRET = "s3cret";

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 1000, 16 * 1024, 16 * 1024 + 1, 100_000})
    void computesTheSameHmacAsOverTheWholeBodyWhateverTheChunks(int size) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);

        SignedBody read = SignedBody.read(trickling(body), SignatureVerifier.mac(SECRET), size);

        assertThat(read.bytes()).isEqualTo(body);
        assertThat(SignatureVerifier.matches(read.hmac(), SignatureVerifier.sign(SECRET, body)))
                .isTrue();
    }

    @Test
    void takesABodyOfExactlyTheCap() throws Exception {
        SignedBody read =
                SignedBody.read(new ByteArrayInputStream(new byte[1024]), SignatureVerifier.mac(SECRET), 1024);

        assertThat(read.bytes()).hasSize(1024);
    }

    @Test
    void stopsReadingAnEndlessBodyJustPastTheCap() {
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                served[0] += len;
                return len;
            }
        };

        assertThatThrownBy(() -> SignedBody.read(endless, SignatureVerifier.mac(SECRET), 1_000_000))
                .isInstanceOf(SignedBody.TooLarge.class);
        assertThat(served[0]).as("one chunk past the cap at most").isLessThanOrEqualTo(1_000_000 + 16 * 1024);
    }

    /** Hands out 1 to 7 bytes per read, as a slow network does. */
    private static InputStream trickling(byte[] body) {
        Random sizes = new Random(7);
        return new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + sizes.nextInt(7)));
            }
        };
    }
}
