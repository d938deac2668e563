package io.pipelinelens.standalone.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The three running services; closing it stops them in reverse start order. */
public final class RunningPlatform implements AutoCloseable {

    private final Map<Service, RunningService> services;
    private final List<Service> startOrder;
    private final Duration startup;

    RunningPlatform(Map<Service, RunningService> services, List<Service> startOrder, Duration startup) {
        this.services = services;
        this.startOrder = startOrder;
        this.startup = startup;
    }

    public RunningService harvester() {
        return services.get(Service.HARVESTER);
    }

    public RunningService sensemaker() {
        return services.get(Service.SENSEMAKER);
    }

    public RunningService notifier() {
        return services.get(Service.NOTIFIER);
    }

    public RunningService service(Service service) {
        return services.get(service);
    }

    /** How long starting the three contexts took. */
    public Duration startup() {
        return startup;
    }

    @Override
    public void close() {
        List<Service> reverse = new ArrayList<>(startOrder);
        java.util.Collections.reverse(reverse);
        RuntimeException failure = null;
        for (Service service : reverse) {
            RunningService running = services.get(service);
            try {
                if (running != null && running.context().isActive()) {
                    running.context().close();
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
