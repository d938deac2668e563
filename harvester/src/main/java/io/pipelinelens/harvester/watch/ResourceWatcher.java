package io.pipelinelens.harvester.watch;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.contracts.ResourceEvents.Action;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.harvester.publish.Observations;
import io.pipelinelens.harvester.publish.ResyncRequested;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * Runs one informer per watched kind and namespace and turns every add, update and delete into an
 * observation. A kind that cannot be watched (its CRD is not installed, or the API does not answer)
 * is retried every {@code kubernetes.retry-interval}, so a CRD installed later is picked up without a
 * restart.
 */
public class ResourceWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ResourceWatcher.class);

    private static final int TOMBSTONES = 100_000;

    private final KubernetesClient client;
    private final Observations observations;
    private final ResourceEventFactory events;
    private final MeterRegistry meters;
    private final Duration retryInterval;
    private final long resyncMillis;
    private final List<WatchedKind> kinds;
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public ResourceWatcher(
            KubernetesClient client,
            Observations observations,
            ResourceEventFactory events,
            HarvesterProperties properties,
            MeterRegistry meters) {
        this.client = client;
        this.observations = observations;
        this.events = events;
        this.meters = meters;
        this.retryInterval = properties.kubernetes().retryInterval();
        this.resyncMillis = properties.kubernetes().resyncPeriod().toMillis();
        List<HarvesterProperties.Kind> enabled = properties.kinds().stream()
                .filter(HarvesterProperties.Kind::enabled)
                .toList();
        Set<String> watchedKindNames = enabled.stream()
                .filter(k -> !k.isEvent())
                .map(HarvesterProperties.Kind::kind)
                .collect(Collectors.toUnmodifiableSet());
        // Registered up front so that every kind shows in Prometheus from the start, at zero.
        for (HarvesterProperties.Kind kind : enabled) {
            for (String counter : List.of("observed", "published", "failed", "trimmed")) {
                meters.counter("pipelinelens.harvester." + counter, "kind", kind.key());
            }
        }
        this.kinds = enabled.stream()
                .map(k -> new WatchedKind(
                        k, k.involvedObjectKinds().isEmpty() ? watchedKindNames : Set.copyOf(k.involvedObjectKinds())))
                .toList();
    }

    /** What health reports for one kind. */
    public enum State {
        STARTING,
        WATCHING,
        UNAVAILABLE
    }

    /** A snapshot of one kind for health: its state, whether every informer has synced, and why not. */
    public record KindStatus(String kind, State state, boolean synced, String reason) {}

    public List<KindStatus> status() {
        return kinds.stream().map(WatchedKind::status).toList();
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("harvester-watch").daemon(true).factory());
        running = true;
        kinds.forEach(kind -> scheduler.execute(() -> attempt(kind)));
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kinds.forEach(WatchedKind::close);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after and stops before {@link Observations}, which flushes what the watchers produced. */
    @Override
    public int getPhase() {
        return 100;
    }

    /**
     * Events were dropped or skipped: republish the current state of every watched object. The
     * informers' caches are that state (kept by list and watch, and re-listed by the informer itself
     * whenever its watch breaks), so this costs the API server nothing, and unlike restarting the
     * informers it leaves no window in which a deletion goes unseen.
     */
    @EventListener
    public void resync(ResyncRequested request) {
        if (!running) {
            return;
        }
        kinds.forEach(kind -> {
            try {
                scheduler.execute(() -> {
                    if (kind.state == State.WATCHING) {
                        int republished = kind.republish();
                        log.info(
                                "Republished the current state of {} {} objects after {} dropped or skipped events",
                                republished,
                                kind.spec.key(),
                                request.droppedEvents());
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        });
    }

    private void attempt(WatchedKind kind) {
        if (!running) {
            return;
        }
        try {
            kind.start();
            log.info("Watching {} {} ({})", kind.spec.apiVersion(), kind.spec.kind(), scope(kind.spec));
        } catch (RuntimeException e) {
            kind.close();
            boolean first = kind.state != State.UNAVAILABLE;
            kind.unavailable(e);
            if (first) {
                log.warn(
                        "Cannot watch {} {} (CRD not installed or API unreachable?), retrying every {}: {}",
                        kind.spec.apiVersion(),
                        kind.spec.kind(),
                        retryInterval,
                        kind.reason);
            } else {
                log.debug("Still cannot watch {}: {}", kind.spec.key(), kind.reason);
            }
            retryLater(kind);
        }
    }

    private void retryLater(WatchedKind kind) {
        if (running) {
            try {
                scheduler.schedule(() -> attempt(kind), retryInterval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    private static String scope(HarvesterProperties.Kind spec) {
        String where = spec.namespaces().isEmpty() ? "all namespaces" : "namespaces " + spec.namespaces();
        return spec.labelSelector() == null ? where : where + ", " + spec.labelSelector();
    }

    /** The informers of one kind and what they observe. */
    private final class WatchedKind implements ResourceEventHandler<GenericKubernetesResource> {

        private final HarvesterProperties.Kind spec;
        private final Set<String> involvedObjectKinds;
        private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
        private volatile State state = State.STARTING;
        private volatile String reason;
        private final Object observing = new Object();

        /**
         * uids whose deletion was submitted. uids are never reused, so any applied state of one of
         * them that shows up afterwards is stale (a re-list or a watch replay racing the deletion)
         * and must not follow the deletion onto the exchange. Bounded: old tombstones matter no more.
         */
        private final Map<String, Boolean> deleted = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > TOMBSTONES;
            }
        };

        WatchedKind(HarvesterProperties.Kind spec, Set<String> involvedObjectKinds) {
            this.spec = spec;
            this.involvedObjectKinds = involvedObjectKinds;
        }

        /** Lists and watches; throws when the kind is unknown to the API server or the API is unreachable. */
        synchronized void start() {
            MixedOperation<
                            GenericKubernetesResource,
                            GenericKubernetesResourceList,
                            Resource<GenericKubernetesResource>>
                    resources = client.genericKubernetesResources(spec.apiVersion(), spec.kind());
            List<String> namespaces = spec.namespaces().isEmpty() ? List.of("") : spec.namespaces();
            for (String namespace : namespaces) {
                FilterWatchListDeletable<
                                GenericKubernetesResource,
                                GenericKubernetesResourceList,
                                Resource<GenericKubernetesResource>>
                        scoped = namespace.isEmpty() ? resources.inAnyNamespace() : resources.inNamespace(namespace);
                Informable<GenericKubernetesResource> informable =
                        spec.labelSelector() == null ? scoped : scoped.withLabelSelector(spec.labelSelector());
                SharedIndexInformer<GenericKubernetesResource> informer = informable.inform(this, resyncMillis);
                informers.add(informer);
                // A watch that ends for good (e.g. the CRD was deleted) sends the kind back to retrying.
                informer.stopped().whenComplete((ignored, error) -> {
                    if (error != null && running) {
                        scheduler.execute(() -> {
                            if (informers.contains(informer)) {
                                log.warn("Watch of {} ended: {}", spec.key(), error.toString());
                                close();
                                unavailable(error);
                                retryLater(this);
                            }
                        });
                    }
                });
            }
            state = State.WATCHING;
            reason = null;
        }

        synchronized void close() {
            informers.forEach(SharedIndexInformer::close);
            informers.clear();
        }

        /**
         * Submits every cached object as applied. Holding {@link #observing} keeps this from slipping
         * an older state in after the handler has submitted a newer one: the informer updates its
         * cache before it calls the handler, so what is read here is never older than what the
         * handler has already submitted.
         */
        int republish() {
            List<SharedIndexInformer<GenericKubernetesResource>> current;
            synchronized (this) {
                current = List.copyOf(informers);
            }
            int count = 0;
            for (SharedIndexInformer<GenericKubernetesResource> informer : current) {
                synchronized (observing) {
                    for (GenericKubernetesResource resource :
                            informer.getStore().list()) {
                        if (observe(Action.APPLIED, resource)) {
                            count++;
                        }
                    }
                }
            }
            return count;
        }

        void unavailable(Throwable error) {
            state = State.UNAVAILABLE;
            reason = Objects.requireNonNullElse(
                    error.getMessage(), error.getClass().getSimpleName());
        }

        synchronized KindStatus status() {
            boolean synced = state == State.WATCHING && informers.stream().allMatch(SharedIndexInformer::hasSynced);
            return new KindStatus(spec.key(), state, synced, reason);
        }

        @Override
        public void onAdd(GenericKubernetesResource resource) {
            observe(Action.APPLIED, resource);
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            // A resync or re-list hands us the same version again: nothing changed, nothing to publish.
            if (Objects.equals(
                    before.getMetadata().getResourceVersion(),
                    after.getMetadata().getResourceVersion())) {
                return;
            }
            observe(Action.APPLIED, after);
        }

        @Override
        public void onDelete(GenericKubernetesResource resource, boolean deletedFinalStateUnknown) {
            observe(Action.DELETED, resource);
        }

        /** Submits one observation; false when it is filtered out or cannot be turned into an event. */
        private boolean observe(Action action, GenericKubernetesResource resource) {
            if (spec.isEvent() && !involvedObjectKinds.contains(involvedObjectKind(resource))) {
                return false;
            }
            synchronized (observing) {
                String uid = resource.getMetadata() == null
                        ? null
                        : resource.getMetadata().getUid();
                if (uid != null && action == Action.APPLIED && deleted.containsKey(uid)) {
                    meters.counter("pipelinelens.harvester.stale", "kind", spec.key())
                            .increment();
                    return false;
                }
                if (uid != null && action == Action.DELETED) {
                    deleted.put(uid, Boolean.TRUE);
                }
                return submit(action, resource);
            }
        }

        private boolean submit(Action action, GenericKubernetesResource resource) {
            meters.counter("pipelinelens.harvester.observed", "kind", spec.key())
                    .increment();
            try {
                ResourceEventFactory.Built built =
                        events.build(action, client.getKubernetesSerialization().asJson(resource), spec);
                if (built.trimmed()) {
                    meters.counter("pipelinelens.harvester.trimmed", "kind", spec.key())
                            .increment();
                    log.info(
                            "Trimmed {} to fit the size cap",
                            built.publication().event().getSubject());
                }
                observations.submit(built.publication());
                return true;
            } catch (RuntimeException e) {
                meters.counter("pipelinelens.harvester.failed", "kind", spec.key())
                        .increment();
                log.error(
                        "Cannot turn {} {} into an event",
                        spec.key(),
                        resource.getMetadata().getName(),
                        e);
                return false;
            }
        }

        private static String involvedObjectKind(GenericKubernetesResource event) {
            Object involved = event.getAdditionalProperties().get("involvedObject");
            return involved instanceof java.util.Map<?, ?> map && map.get("kind") instanceof String kind ? kind : null;
        }
    }
}
