package io.pipelinelens.sensemaker.status.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteOrderTests {

    private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void writesTheEventsOfATransactionInTheOrderTheirFactsHappened() {
        StatusEvent late = event("jx/app/release", "run-2", T.plusSeconds(60));
        StatusEvent early = event("jx/app/release", "run-1", T);
        StatusEvent other = event("jx/lib/release", "run-3", T.plusSeconds(30));

        assertThat(WriteOrder.events(List.of(late, other, early))).containsExactly(early, other, late);
    }

    @Test
    void keepsThePublicationOrderOfEventsOfTheSameTime() {
        StatusEvent first = event("jx/app/release", "run-1/task", T);
        StatusEvent second = event("jx/app/release", "run-1", T);

        assertThat(WriteOrder.events(List.of(first, second))).containsExactly(first, second);
        assertThat(WriteOrder.events(List.of(second, first))).containsExactly(second, first);
    }

    @Test
    void locksEachKeyOnceInAscendingOrderWhateverTheOrderOfTheEvents() {
        StatusEvent a = event("jx/app/release", "run-1", T);
        StatusEvent a2 = event("jx/app/release", "run-2", T);
        StatusEvent b = event("jx/lib/release", "run-3", T);
        StatusEvent c = event("ci/tools/nightly", "run-4", T);

        List<Integer> locks = WriteOrder.locks(List.of(a, b, a2, c));

        assertThat(locks)
                .isSorted()
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrder(
                        WriteOrder.lock("jx/app/release"),
                        WriteOrder.lock("jx/lib/release"),
                        WriteOrder.lock("ci/tools/nightly"));
        assertThat(WriteOrder.locks(List.of(c, a2, b, a))).isEqualTo(locks);
    }

    @Test
    void theLockOfAKeyIsTheSameOnEveryReplica() {
        // String.hashCode is specified by the JLS: this value holds on every JVM.
        assertThat(WriteOrder.lock("jx/app/release")).isEqualTo("jx/app/release".hashCode());
        assertThat(WriteOrder.lock("ab")).isEqualTo(97 * 31 + 98);
    }

    private static StatusEvent event(String key, String id, Instant time) {
        return new StatusEvent(key, id, "dev.cdevents.pipelinerun.finished.0.3.0", time, new byte[0]);
    }
}
