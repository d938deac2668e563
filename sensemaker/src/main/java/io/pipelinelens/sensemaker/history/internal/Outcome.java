package io.pipelinelens.sensemaker.history.internal;

import java.util.Arrays;

/** What the outcome state machine decided about one run; stored with the run. */
enum Outcome {
    /** Succeeded, and so did the previous run that counted (or there was none). */
    PASSING("passing"),
    /** Failed after a success: announced. */
    BROKEN("broken"),
    /** Failed after a failure. */
    STILL_FAILING("still failing"),
    /** Succeeded after a failure: announced. */
    RECOVERED("recovered"),
    /** Failed, and no run before it counted: the branch was never seen green. */
    FAILING("failing"),
    /** Cancelled or skipped: neither success nor failure, changes nothing. */
    NOT_COUNTED("not counted"),
    /** A run that completed later had already been decided: this one changes nothing. */
    LATE("late"),
    /** A rerun of a commit older than the one the previous counted run built: changes nothing. */
    OLD_COMMIT("old commit");

    private final String stored;

    Outcome(String stored) {
        this.stored = stored;
    }

    String stored() {
        return stored;
    }

    static Outcome ofStored(String stored) {
        return Arrays.stream(values())
                .filter(o -> o.stored.equals(stored))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown outcome " + stored));
    }

    /** Whether a later run compares itself with this one. */
    boolean counts() {
        return this != NOT_COUNTED && this != OLD_COMMIT;
    }

    static boolean success(String result) {
        return "success".equals(result);
    }

    static boolean failure(String result) {
        return "failure".equals(result) || "error".equals(result) || "timeout".equals(result);
    }
}
