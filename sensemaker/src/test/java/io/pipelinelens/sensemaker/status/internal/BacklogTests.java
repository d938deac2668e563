package io.pipelinelens.sensemaker.status.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BacklogTests {

    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    @Test
    void anEmptyOutboxIsNeverStuck() {
        assertThat(Backlog.EMPTY.stuck(MAX_AGE)).isFalse();
    }

    @Test
    void eventsThatWaitedLessThanTheBoundAreOnlyDelayed() {
        assertThat(new Backlog(120, Duration.ofMinutes(4), 3, "TimeoutException").stuck(MAX_AGE))
                .isFalse();
    }

    @Test
    void anEventThatWaitedLongerThanTheBoundIsStuck() {
        assertThat(new Backlog(1, Duration.ofMinutes(5).plusMillis(1), 0, null).stuck(MAX_AGE))
                .isTrue();
    }
}
