package io.pipelinelens.frontend.runs;

import io.pipelinelens.frontend.FrontendProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

@Configuration(proxyBeanMethods = false)
class RunsConfiguration {

    @Bean
    RecentRuns recentRuns(RestClient.Builder builder, FrontendProperties properties) {
        return new SensemakerRunsClient(
                builder, properties.sensemakerUrl(), properties.connectTimeout(), properties.readTimeout());
    }
}
