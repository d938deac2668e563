package io.pipelinelens.harvester.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.harvester.publish.Observations;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WatchConfiguration {

    /**
     * From {@code pipelinelens.harvester.kubernetes.master-url} when set, otherwise fabric8's usual
     * discovery (kubeconfig, then the in-cluster service account). An embedding application may bring
     * its own client.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    KubernetesClient kubernetesClient(HarvesterProperties properties) {
        String masterUrl = properties.kubernetes().masterUrl();
        Config config = masterUrl == null || masterUrl.isBlank()
                ? Config.autoConfigure(null)
                : new ConfigBuilder(Config.autoConfigure(null))
                        .withMasterUrl(masterUrl)
                        .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Bean
    ResourceEventFactory resourceEventFactory(HarvesterProperties properties) {
        return new ResourceEventFactory(new ObjectMapper(), properties, Clock.systemUTC());
    }

    @Bean
    ResourceWatcher resourceWatcher(
            KubernetesClient client,
            Observations observations,
            ResourceEventFactory events,
            HarvesterProperties properties,
            MeterRegistry meters) {
        return new ResourceWatcher(client, observations, events, properties, meters);
    }

    @Bean
    KubernetesHealthIndicator kubernetesHealthIndicator(KubernetesClient client, ResourceWatcher watcher) {
        return new KubernetesHealthIndicator(client, watcher);
    }
}
