package io.pipelinelens.standalone.simulator;

import io.pipelinelens.standalone.simulator.ScenarioRun.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a simulated Jenkins X run every interval; runs play side by side, as on a busy cluster.
 * Most runs succeed; a configurable share fails in a step with a non-zero exit code.
 */
public final class ClusterSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterSimulator.class);

    private final ScenarioPlanner planner;
    private final ScenarioPlayer player;
    private final Duration interval;
    private final double failureRate;
    private final RandomGenerator random;
    private final Clock clock;
    private final AtomicLong runs = new AtomicLong();
    private final List<ScenarioRun> started = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("simulator").daemon().factory());
    private final ExecutorService players = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("simulator-run-", 1).daemon().factory());

    public ClusterSimulator(
            ScenarioPlanner planner,
            ScenarioPlayer player,
            Duration interval,
            double failureRate,
            RandomGenerator random,
            Clock clock) {
        this.planner = planner;
        this.player = player;
        this.interval = interval;
        this.failureRate = failureRate;
        this.random = random;
        this.clock = clock;
    }

    public void start(Duration firstRunAfter) {
        schedule.scheduleAtFixedRate(
                this::startRun, firstRunAfter.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The runs started so far, oldest first. */
    public List<ScenarioRun> runs() {
        return List.copyOf(started);
    }

    private void startRun() {
        long number = runs.getAndIncrement();
        Outcome outcome = random.nextDouble() < failureRate ? Outcome.FAILURE : Outcome.SUCCESS;
        ScenarioRun run = planner.plan(clock.instant(), number, outcome, random);
        started.add(run);
        players.execute(() -> {
            try {
                log.info(
                        "simulated run {}: webhook {} → PipelineRun {} ({})",
                        number,
                        run.deliveryGuid(),
                        run.pipelineRunName(),
                        outcome.name().toLowerCase(java.util.Locale.ROOT));
                player.play(run);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("simulated run {} stopped: {}", number, e.toString());
            }
        });
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        players.shutdownNow();
        try {
            players.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
