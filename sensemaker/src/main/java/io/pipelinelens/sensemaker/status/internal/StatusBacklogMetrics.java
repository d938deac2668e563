package io.pipelinelens.sensemaker.status.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code pipelinelens.status.backlog.age} (the oldest unpublished status event's age, 0 when none
 * waits) and {@code pipelinelens.status.backlog.size}, read from the outbox when they are scraped.
 */
@Component
class StatusBacklogMetrics implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(StatusBacklogMetrics.class);

    private final StatusOutbox outbox;

    StatusBacklogMetrics(StatusOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        TimeGauge.builder(
                        "pipelinelens.status.backlog.age",
                        outbox,
                        TimeUnit.MILLISECONDS,
                        read(o -> o.backlog().oldestAge().toMillis()))
                .description("Age of the oldest status event waiting for Kafka")
                .register(registry);
        Gauge.builder(
                        "pipelinelens.status.backlog.size",
                        outbox,
                        read(o -> o.backlog().size()))
                .description("Status events waiting for Kafka")
                .register(registry);
    }

    /** NaN rather than an exception when the database cannot answer. */
    private static ToDoubleFunction<StatusOutbox> read(ToDoubleFunction<StatusOutbox> value) {
        return o -> {
            try {
                return value.applyAsDouble(o);
            } catch (RuntimeException e) {
                log.debug("Cannot read the status backlog: {}", e.toString());
                return Double.NaN;
            }
        };
    }
}
