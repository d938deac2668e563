package io.pipelinelens.harvester;

import io.pipelinelens.contracts.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Everything the harvester can be told, under {@code pipelinelens.harvester}. Each default also lives
 * here, not only in application.yaml: the standalone launcher embeds this jar and may bring its own
 * application.yaml, which hides ours.
 */
@ConfigurationProperties("pipelinelens.harvester")
public record HarvesterProperties(
        String cluster,
        String exchange,
        Kubernetes kubernetes,
        List<Kind> kinds,
        Trim trim,
        Buffer buffer,
        Webhooks webhooks) {

    public HarvesterProperties {
        cluster = hasText(cluster) ? cluster : "default";
        exchange = hasText(exchange) ? exchange : Channel.OBSERVATIONS.defaultName();
        kubernetes = kubernetes != null ? kubernetes : new Kubernetes(null, null, null);
        kinds = kinds != null ? List.copyOf(kinds) : Kind.defaults();
        trim = trim != null ? trim : new Trim(null, null, null);
        buffer = buffer != null ? buffer : new Buffer(0, null, null, null);
        webhooks = webhooks != null ? webhooks : new Webhooks(null, null, null, null);
    }

    /** How to reach the API server; {@code masterUrl} unset means kubeconfig or in-cluster discovery. */
    public record Kubernetes(String masterUrl, Duration retryInterval, Duration resyncPeriod) {
        public Kubernetes {
            // A kind whose CRD is missing (or an API that does not answer) is retried this often.
            retryInterval = retryInterval != null ? retryInterval : Duration.ofSeconds(30);
            // Zero: no periodic resync; updates without a new resourceVersion publish nothing anyway.
            resyncPeriod = resyncPeriod != null ? resyncPeriod : Duration.ZERO;
        }
    }

    /**
     * One watched kind. {@code namespaces} empty = every namespace. {@code involvedObjectKinds}
     * applies to core Events only: an Event is published when its {@code involvedObject.kind} is listed,
     * or, when the list is empty, when it is one of the other watched kinds.
     */
    public record Kind(
            String apiVersion,
            String kind,
            List<String> namespaces,
            String labelSelector,
            Boolean enabled,
            List<String> involvedObjectKinds) {
        public Kind {
            if (!hasText(apiVersion) || !hasText(kind)) {
                throw new IllegalArgumentException("pipelinelens.harvester.kinds[]: api-version and kind are required");
            }
            namespaces = namespaces != null ? List.copyOf(namespaces) : List.of();
            labelSelector = hasText(labelSelector) ? labelSelector : null;
            enabled = enabled == null || enabled;
            involvedObjectKinds = involvedObjectKinds != null ? List.copyOf(involvedObjectKinds) : List.of();
        }

        public boolean isEvent() {
            return "v1".equals(apiVersion) && "Event".equals(kind);
        }

        /** A short, stable name for logs, health details and metric tags, e.g. {@code pipelinerun.tekton.dev}. */
        public String key() {
            int slash = apiVersion.indexOf('/');
            String group = slash < 0 ? "" : "." + apiVersion.substring(0, slash);
            return kind.toLowerCase(Locale.ROOT) + group;
        }

        static List<Kind> defaults() {
            return List.of(
                    new Kind("tekton.dev/v1", "PipelineRun", null, null, true, null),
                    new Kind("tekton.dev/v1", "TaskRun", null, null, true, null),
                    new Kind("lighthouse.jenkins.io/v1alpha1", "LighthouseJob", null, null, true, null),
                    new Kind("jenkins.io/v1", "PipelineActivity", null, null, true, null),
                    new Kind("v1", "Pod", null, "app.kubernetes.io/managed-by=tekton-pipelines", true, null),
                    new Kind("v1", "Event", null, null, true, null));
        }
    }

    /**
     * Shaping of the published object. {@code removePaths} (JSON Pointers, {@code *} matches every
     * element) are always removed; when the object is still larger than {@code maxSize}, {@code
     * oversizePaths} are removed one by one until it fits, and then everything but identity and the
     * status summary.
     */
    public record Trim(DataSize maxSize, List<String> removePaths, List<String> oversizePaths) {
        public Trim {
            maxSize = maxSize != null ? maxSize : DataSize.ofKilobytes(512);
            removePaths = removePaths != null
                    ? List.copyOf(removePaths)
                    : List.of("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration");
            oversizePaths = oversizePaths != null
                    ? List.copyOf(oversizePaths)
                    : List.of(
                            "/status/pipelineSpec",
                            "/status/taskSpec",
                            "/spec/pipelineSpec",
                            "/spec/taskSpec",
                            "/status/provenance",
                            "/status/taskRuns/*/status/taskSpec",
                            "/status/steps/*/terminated/message",
                            "/status/sidecars",
                            "/spec/containers",
                            "/spec/initContainers",
                            "/spec/volumes",
                            "/status/activity/stages/*/steps",
                            "/spec/steps/*/stage/steps",
                            "/metadata/annotations");
        }
    }

    /**
     * The in-memory buffer that holds observations while the broker is away. {@code capacity} events
     * at most; a failed send is retried every {@code retryInterval}; a send counts as failed when the
     * broker has not confirmed it within {@code confirmTimeout}. When the buffer is full while the
     * broker answers, the watchers wait for room (up to {@code confirmTimeout}); while it is away, a
     * superseded state gives way first, then the oldest latest state (and every watcher republishes
     * its current state once the broker has caught up); a deletion goes last, only when the buffer
     * holds nothing else. An event no queue is bound for is retried for {@code unroutableGrace} per
     * routing key (so nothing is lost while the consumer is still starting), then skipped and counted.
     */
    public record Buffer(int capacity, Duration retryInterval, Duration confirmTimeout, Duration unroutableGrace) {
        public Buffer {
            capacity = capacity > 0 ? capacity : 10_000;
            retryInterval = retryInterval != null ? retryInterval : Duration.ofSeconds(2);
            confirmTimeout = confirmTimeout != null ? confirmTimeout : Duration.ofSeconds(10);
            unroutableGrace = unroutableGrace != null ? unroutableGrace : Duration.ofMinutes(5);
        }
    }

    /** Webhook receivers; a provider without a secret refuses every delivery. */
    public record Webhooks(DataSize maxBodySize, Secret github, Secret lighthouse, Duration confirmTimeout) {
        public Webhooks {
            maxBodySize = maxBodySize != null ? maxBodySize : DataSize.ofMegabytes(5);
            github = github != null ? github : new Secret(null);
            lighthouse = lighthouse != null ? lighthouse : new Secret(null);
            confirmTimeout = confirmTimeout != null ? confirmTimeout : Duration.ofSeconds(10);
        }
    }

    public record Secret(String secret) {
        public boolean configured() {
            return hasText(secret);
        }

        @Override
        public String toString() {
            return "Secret[" + (configured() ? "******" : "unset") + "]";
        }
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
