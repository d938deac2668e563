package io.pipelinelens.notifier.delivery;

import java.util.List;
import java.util.stream.Collectors;

/** One or more channels did not take an event within their attempts; the event goes to the dead letter. */
public class DeliveryFailedException extends RuntimeException {

    /** One channel that gave up. */
    public record Failure(String channel, int attempts, String reason) {
        @Override
        public String toString() {
            return "channel '" + channel + "' after " + attempts + " attempt(s): " + reason;
        }
    }

    private final transient List<Failure> failures;

    public DeliveryFailedException(String eventId, List<Failure> failures) {
        super("delivery of " + eventId + " failed: "
                + failures.stream().map(Failure::toString).collect(Collectors.joining("; ")));
        this.failures = List.copyOf(failures);
    }

    public List<Failure> failures() {
        return failures;
    }
}
