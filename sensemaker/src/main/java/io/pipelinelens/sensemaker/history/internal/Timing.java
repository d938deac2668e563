package io.pipelinelens.sensemaker.history.internal;

import java.time.Duration;

/** How long something waited (queued, pending, pulling images) and how long it ran. */
record Timing(Duration waiting, Duration running) {

    Timing {
        waiting = waiting.isNegative() ? Duration.ZERO : waiting;
        running = running.isNegative() ? Duration.ZERO : running;
    }

    Duration total() {
        return waiting.plus(running);
    }
}
