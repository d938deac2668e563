package io.pipelinelens.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.notifier.StatusEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliveriesTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Duration> pauses = new ArrayList<>();

    @Test
    void retriesTransientFailuresWithBackoffUntilDelivered() {
        ScriptedChannel channel = new ScriptedChannel(
                "hook",
                new AttemptResult.Transient("HTTP 503", Optional.empty()),
                new AttemptResult.Transient("HTTP 429", Optional.of(Duration.ofSeconds(1))),
                new AttemptResult.Delivered("HTTP 200"));

        deliveries(4, channel).deliver(event("run-1"));

        assertThat(channel.attempts).isEqualTo(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(200), Duration.ofSeconds(1));
        assertThat(count("hook", "delivered")).isEqualTo(1.0);
    }

    @Test
    void doesNotRetryAPermanentRefusalAndReportsIt() {
        ScriptedChannel channel = new ScriptedChannel("hook", new AttemptResult.Permanent("HTTP 400"));

        assertThatThrownBy(() -> deliveries(3, channel).deliver(event("run-2")))
                .isInstanceOfSatisfying(
                        DeliveryFailedException.class,
                        e -> assertThat(e.failures())
                                .containsExactly(new DeliveryFailedException.Failure("hook", 1, "HTTP 400")));
        assertThat(channel.attempts).isEqualTo(1);
        assertThat(pauses).isEmpty();
        assertThat(count("hook", "dead_lettered")).isEqualTo(1.0);
    }

    @Test
    void givesUpAfterTheLastAttemptButStillServesTheOtherChannels() {
        ScriptedChannel failing =
                new ScriptedChannel("down", new AttemptResult.Transient("HTTP 500", Optional.empty()));
        ScriptedChannel healthy = new ScriptedChannel("up", new AttemptResult.Delivered("HTTP 200"));

        assertThatThrownBy(() -> deliveries(3, failing, healthy).deliver(event("run-3")))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("channel 'down' after 3 attempt(s): HTTP 500");
        assertThat(failing.attempts).isEqualTo(3);
        assertThat(healthy.attempts).isEqualTo(1);
    }

    @Test
    void deliversTheSameEventToAChannelOnce() {
        ScriptedChannel channel = new ScriptedChannel("hook", new AttemptResult.Delivered("HTTP 200"));
        Deliveries deliveries = deliveries(3, channel);

        deliveries.deliver(event("run-4"));
        deliveries.deliver(event("run-4"));
        deliveries.deliver(event("run-5"));

        assertThat(channel.attempts).isEqualTo(2);
        assertThat(count("hook", "duplicate")).isEqualTo(1.0);
    }

    @Test
    void triesAFailedEventAgainWhenItComesAgain() {
        ScriptedChannel channel = new ScriptedChannel(
                "hook", new AttemptResult.Permanent("HTTP 400"), new AttemptResult.Delivered("HTTP 200"));
        Deliveries deliveries = deliveries(3, channel);

        assertThatThrownBy(() -> deliveries.deliver(event("run-6"))).isInstanceOf(DeliveryFailedException.class);
        deliveries.deliver(event("run-6"));

        assertThat(channel.attempts).isEqualTo(2);
    }

    @Test
    void recentDeliveriesForgetTheLeastRecentlyUsedBeyondCapacity() {
        RecentDeliveries recent = new RecentDeliveries(2);

        assertThat(recent.claim("a", "c")).isTrue();
        assertThat(recent.claim("b", "c")).isTrue();
        assertThat(recent.claim("a", "c")).isFalse(); // touches a
        assertThat(recent.claim("c", "c")).isTrue(); // evicts b
        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.claim("b", "c")).isTrue();
        assertThat(recent.claim("a", "other")).isTrue();
    }

    private Deliveries deliveries(int maxAttempts, NotificationChannel... channels) {
        return new Deliveries(
                List.of(channels),
                new RetryPolicy(maxAttempts, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5)),
                new RecentDeliveries(100),
                meters,
                pauses::add);
    }

    private double count(String channel, String outcome) {
        var counter = meters.find(Deliveries.DELIVERIES)
                .tags("channel", channel, "outcome", outcome)
                .counter();
        return counter == null ? 0.0 : counter.count();
    }

    private static StatusEvent event(String uid) {
        var cloudEvent = CloudEventBuilder.v1()
                .withId(uid + "/" + EventType.PIPELINERUN_FINISHED.type())
                .withSource(URI.create("/sensemaker/test"))
                .withType(EventType.PIPELINERUN_FINISHED.type())
                .build();
        return new StatusEvent(cloudEvent, EventType.PIPELINERUN_FINISHED, new byte[] {'{', '}'});
    }

    /** Answers from a script; the last answer repeats. */
    private static final class ScriptedChannel implements NotificationChannel {
        private final String name;
        private final Deque<AttemptResult> script;
        int attempts;

        ScriptedChannel(String name, AttemptResult... script) {
            this.name = name;
            this.script = new ArrayDeque<>(List.of(script));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean accepts(StatusEvent event) {
            return true;
        }

        @Override
        public AttemptResult attempt(StatusEvent event) {
            attempts++;
            return script.size() > 1 ? script.poll() : script.peek();
        }
    }
}
