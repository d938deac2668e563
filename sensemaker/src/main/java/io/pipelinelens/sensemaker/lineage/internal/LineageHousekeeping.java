package io.pipelinelens.sensemaker.lineage.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.sensemaker.lineage.NodesSettled;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The clock of the lineage graph: retries waiting nodes and gives up on those that waited too
 * long, hands settled nodes over ({@link NodesSettled}), and closes roots once everything under
 * them is done. Every step locks with {@code SKIP LOCKED}, so replicas share the work, and each
 * step runs on its own: one that fails does not keep the others from running.
 */
@Component
class LineageHousekeeping implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LineageHousekeeping.class);
    private static final int ROUNDS = 10;

    private final LineageGraph graph;
    private final Placement placement;
    private final StreamClock clock;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final TaskScheduler scheduler;
    private final LineageProperties properties;
    private final AtomicInteger parked = new AtomicInteger();
    private volatile ScheduledFuture<?> task;
    private volatile Instant lastCompleteTick = Instant.now();

    LineageHousekeeping(
            LineageGraph graph,
            Placement placement,
            StreamClock clock,
            ApplicationEventPublisher events,
            TransactionTemplate transactions,
            TaskScheduler scheduler,
            LineageProperties properties,
            MeterRegistry meters) {
        this.graph = graph;
        this.placement = placement;
        this.clock = clock;
        this.events = events;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.properties = properties;
        Gauge.builder("pipelinelens.lineage.parked", parked, AtomicInteger::get)
                .description("Nodes whose spans could not be built")
                .register(meters);
    }

    @Override
    public void start() {
        // A restart may bring the fix for what was parked: offer it all again.
        step("unpark", () -> {
            int offered = graph.unparkAll();
            if (offered > 0) {
                log.info("Offering {} parked nodes again", offered);
            }
        });
        lastCompleteTick = Instant.now();
        task = scheduler.scheduleWithFixedDelay(this::tick, properties.tick());
    }

    @Override
    public void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
        task = null;
    }

    @Override
    public boolean isRunning() {
        return task != null;
    }

    /** When every step of a tick last succeeded (health reports a tick that keeps failing). */
    Instant lastCompleteTick() {
        return lastCompleteTick;
    }

    void tick() {
        boolean ok = step("retry waiting nodes", () -> placement.retry(graph.lockPending(properties.batch())));
        ok &= step("inherit traces", graph::inheritMissingTraces);
        // Bounded, so that roots are closed and pending nodes retried while a backlog drains.
        boolean[] full = {true};
        for (int i = 0; i < ROUNDS && full[0]; i++) {
            full[0] = false;
            ok &= step(
                    "hand over settled nodes",
                    () -> full[0] =
                            handOver(graph.lockSettled(properties.batch(), clock.settledBefore(properties.settle()))));
        }
        ok &= step(
                "close roots",
                () -> handOver(graph.lockClosableRoots(
                        properties.rootGrace(), properties.rootWithoutChildren(), properties.batch())));
        step("count parked nodes", () -> parked.set(graph.countParked()));
        if (ok) {
            lastCompleteTick = Instant.now();
        }
    }

    /** @return whether the batch was full (there may be more) */
    private boolean handOver(List<GraphNode> nodes) {
        if (nodes.isEmpty()) {
            return false;
        }
        // Synchronous, in this transaction: the listeners' work and the hand-over commit together.
        events.publishEvent(new NodesSettled(nodes.stream().map(GraphNode::view).toList()));
        graph.markRecorded(nodes.stream().map(GraphNode::uid).toList());
        return nodes.size() == properties.batch();
    }

    /** @return whether the step succeeded */
    private boolean step(String name, Runnable work) {
        try {
            transactions.executeWithoutResult(status -> work.run());
            return true;
        } catch (RuntimeException e) {
            log.warn("Lineage housekeeping step '{}' failed, retrying next tick: {}", name, e.toString());
            return false;
        }
    }
}
