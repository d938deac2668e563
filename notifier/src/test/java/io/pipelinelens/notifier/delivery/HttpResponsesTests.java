package io.pipelinelens.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpResponsesTests {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204})
    void treats2xxAsDelivered(int status) {
        assertThat(HttpResponses.classify(status, null, NOW)).isInstanceOf(AttemptResult.Delivered.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void retriesTimeoutsThrottlingAndServerErrors(int status) {
        assertThat(HttpResponses.classify(status, null, NOW)).isInstanceOf(AttemptResult.Transient.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 410, 413, 422, 301, 302})
    void doesNotRetryOtherClientErrorsOrRedirects(int status) {
        assertThat(HttpResponses.classify(status, null, NOW)).isInstanceOf(AttemptResult.Permanent.class);
    }

    @Test
    void honoursRetryAfterSecondsOn429() {
        AttemptResult result = HttpResponses.classify(429, "7", NOW);

        assertThat(result)
                .isInstanceOfSatisfying(
                        AttemptResult.Transient.class,
                        t -> assertThat(t.retryAfter()).contains(Duration.ofSeconds(7)));
    }

    @Test
    void honoursRetryAfterHttpDateOn503() {
        AttemptResult result = HttpResponses.classify(503, "Sun, 22 Nov 2026 12:00:30 GMT", NOW);

        assertThat(result)
                .isInstanceOfSatisfying(
                        AttemptResult.Transient.class,
                        t -> assertThat(t.retryAfter()).contains(Duration.ofSeconds(30)));
    }

    @Test
    void readsAPastRetryAfterDateAsNoWait() {
        assertThat(HttpResponses.retryAfter("Sun, 22 Nov 2026 11:00:00 GMT", NOW))
                .contains(Duration.ZERO);
    }

    @Test
    void ignoresUnreadableRetryAfter() {
        assertThat(HttpResponses.retryAfter("soon", NOW)).isEmpty();
        assertThat(HttpResponses.retryAfter("", NOW)).isEmpty();
        assertThat(HttpResponses.retryAfter(null, NOW)).isEmpty();
        assertThat(HttpResponses.retryAfter("99999999999999999999999", NOW)).isEmpty();
    }

    @Test
    void retryPolicyBacksOffExponentiallyUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(200), 2.0, Duration.ofMillis(700));

        assertThat(policy.pauseAfter(1, Optional.empty())).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.pauseAfter(2, Optional.empty())).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.pauseAfter(3, Optional.empty())).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void retryPolicyWaitsAtLeastRetryAfterButNotBeyondTheCap() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(10));

        assertThat(policy.pauseAfter(1, Optional.of(Duration.ofSeconds(2)))).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.pauseAfter(1, Optional.of(Duration.ofMillis(50)))).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.pauseAfter(1, Optional.of(Duration.ofHours(1)))).isEqualTo(Duration.ofSeconds(10));
    }
}
