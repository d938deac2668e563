package io.pipelinelens.sensemaker.status.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendPlanTests {

    private long seq;

    @Test
    void sendsTheEventsOfOneKeyOneAfterTheOtherAndKeysSideBySide() {
        OutboxEvent a1 = event("a");
        OutboxEvent b1 = event("b");
        OutboxEvent a2 = event("a");
        OutboxEvent a3 = event("a");
        OutboxEvent b2 = event("b");
        SendPlan plan = new SendPlan(List.of(a1, b1, a2, a3, b2));

        List<List<OutboxEvent>> waves = new ArrayList<>();
        for (List<OutboxEvent> wave = plan.nextWave(); !wave.isEmpty(); wave = plan.nextWave()) {
            waves.add(wave);
            wave.forEach(plan::acknowledged);
        }

        assertThat(waves).containsExactly(List.of(a1, b1), List.of(a2, b2), List.of(a3));
        assertThat(plan.acknowledged()).containsExactly(a1, b1, a2, b2, a3);
        assertThat(plan.failures()).isEmpty();
    }

    @Test
    void aFailureStopsItsKeyAndOnlyItsKey() {
        OutboxEvent a1 = event("a");
        OutboxEvent b1 = event("b");
        OutboxEvent a2 = event("a");
        OutboxEvent b2 = event("b");
        OutboxEvent a3 = event("a");
        SendPlan plan = new SendPlan(List.of(a1, b1, a2, b2, a3));

        assertThat(plan.nextWave()).containsExactly(a1, b1);
        plan.acknowledged(a1);
        plan.acknowledged(b1);
        assertThat(plan.nextWave()).containsExactly(a2, b2);
        plan.acknowledged(a2);
        plan.failed(b2, "RecordTooLargeException");
        assertThat(plan.nextWave()).containsExactly(a3);
        plan.acknowledged(a3);
        assertThat(plan.nextWave()).isEmpty();

        assertThat(plan.acknowledged()).containsExactly(a1, b1, a2, a3);
        assertThat(plan.failures()).containsExactly(new SendPlan.Failure(b2, "RecordTooLargeException"));
    }

    @Test
    void theEventsAfterAFailedOneAreNeverOffered() {
        OutboxEvent a1 = event("a");
        OutboxEvent a2 = event("a");
        OutboxEvent a3 = event("a");
        SendPlan plan = new SendPlan(List.of(a1, a2, a3));

        plan.nextWave();
        plan.failed(a1, "TimeoutException");

        assertThat(plan.nextWave()).isEmpty();
        assertThat(plan.acknowledged()).isEmpty();
        assertThat(plan.failures()).extracting(SendPlan.Failure::event).containsExactly(a1);
    }

    @Test
    void aKeyThatWasNotTriedStopsWithoutAFailure() {
        OutboxEvent a1 = event("a");
        OutboxEvent b1 = event("b");
        OutboxEvent b2 = event("b");
        SendPlan plan = new SendPlan(List.of(a1, b1, b2));

        plan.nextWave();
        plan.failed(a1, "TimeoutException: no metadata");
        plan.notTried(b1);

        assertThat(plan.nextWave()).isEmpty();
        assertThat(plan.failures()).extracting(SendPlan.Failure::event).containsExactly(a1);
    }

    @Test
    void refusesToOfferTheNextWaveBeforeTheCurrentOneIsResolved() {
        OutboxEvent a1 = event("a");
        OutboxEvent a2 = event("a");
        SendPlan plan = new SendPlan(List.of(a1, a2));

        plan.nextWave();

        assertThatThrownBy(plan::nextWave).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesAnOutcomeForAnEventThatIsNotInFlight() {
        OutboxEvent a1 = event("a");
        OutboxEvent a2 = event("a");
        SendPlan plan = new SendPlan(List.of(a1, a2));
        plan.nextWave();

        assertThatThrownBy(() -> plan.acknowledged(a2)).isInstanceOf(IllegalStateException.class);
        plan.acknowledged(a1);
        assertThatThrownBy(() -> plan.acknowledged(a1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesEventsOutOfSeqOrder() {
        OutboxEvent first = event("a");
        OutboxEvent second = event("a");

        assertThatThrownBy(() -> new SendPlan(List.of(second, first))).isInstanceOf(IllegalArgumentException.class);
    }

    private OutboxEvent event(String key) {
        long s = ++seq;
        return new OutboxEvent(s, key, key + "-" + s, new byte[0], 0);
    }
}
