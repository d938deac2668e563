package io.pipelinelens.sensemaker;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Re-runs module event listeners that failed (a transient database error, a deadlock): their
 * publications stay incomplete in the registry until a listener run succeeds. Status events do not
 * go this way: they wait in the status outbox, which has a publisher of its own.
 */
@Component
class OutboxRetry {

    private static final Logger log = LoggerFactory.getLogger(OutboxRetry.class);

    private final IncompleteEventPublications publications;
    private final Duration minimumAge;

    OutboxRetry(
            IncompleteEventPublications publications,
            @Value("${pipelinelens.sensemaker.outbox.retry-after:PT10S}") Duration minimumAge) {
        this.publications = publications;
        this.minimumAge = minimumAge;
    }

    @Scheduled(
            initialDelayString = "${pipelinelens.sensemaker.outbox.retry-interval:PT5S}",
            fixedDelayString = "${pipelinelens.sensemaker.outbox.retry-interval:PT5S}")
    void resubmit() {
        try {
            publications.resubmitIncompletePublicationsOlderThan(minimumAge);
        } catch (RuntimeException e) {
            log.warn("Could not resubmit incomplete event publications: {}", e.getMessage());
        }
    }
}
