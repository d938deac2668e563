package io.pipelinelens.harvester.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN when the API server does not answer or a watched kind has not synced; a kind whose CRD is
 * missing is listed as unavailable (and retried) without making the harvester DOWN.
 */
class KubernetesHealthIndicator implements HealthIndicator {

    private final KubernetesClient client;
    private final ResourceWatcher watcher;

    KubernetesHealthIndicator(KubernetesClient client, ResourceWatcher watcher) {
        this.client = client;
        this.watcher = watcher;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        VersionInfo version = null;
        try {
            version = client.getKubernetesVersion();
        } catch (RuntimeException e) {
            health = Health.down()
                    .withDetail("api", "unreachable: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
        // An API that answers is reachable, whether or not it names its version (the fabric8 mock
        // server in CRUD mode does not); a null detail would make Health refuse the whole report.
        if (version != null && version.getGitVersion() != null) {
            health.withDetail("version", version.getGitVersion());
        }
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (ResourceWatcher.KindStatus kind : watcher.status()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", kind.state().name().toLowerCase(java.util.Locale.ROOT));
            detail.put("synced", kind.synced());
            if (kind.reason() != null) {
                detail.put("reason", kind.reason());
            }
            kinds.put(kind.kind(), detail);
            if (kind.state() == ResourceWatcher.State.WATCHING && !kind.synced()) {
                health.status(org.springframework.boot.health.contributor.Status.DOWN);
            }
        }
        return health.withDetail("kinds", kinds).build();
    }
}
