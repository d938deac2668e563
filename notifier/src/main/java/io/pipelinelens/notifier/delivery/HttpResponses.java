package io.pipelinelens.notifier.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** How an HTTP receiver's answer maps to a delivery outcome: shared by every HTTP channel. */
public final class HttpResponses {

    private HttpResponses() {}

    public static AttemptResult classify(int status, String retryAfterHeader, Instant now) {
        String describe = "HTTP " + status;
        if (status >= 200 && status < 300) {
            return new AttemptResult.Delivered(describe);
        }
        if (status == 429 || status == 503) {
            return new AttemptResult.Transient(describe, retryAfter(retryAfterHeader, now));
        }
        if (status == 408 || status >= 500) {
            return new AttemptResult.Transient(describe, Optional.empty());
        }
        // Other 4xx: the receiver refuses this request as such. 1xx/3xx: we do not follow redirects,
        // a webhook URL that moved needs reconfiguring, not retrying.
        return new AttemptResult.Permanent(describe);
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); absent when unreadable. */
    public static Optional<Duration> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException e) {
                return Optional.empty(); // too many digits to mean anything sensible
            }
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
