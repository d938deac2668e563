package io.pipelinelens.notifier.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.notifier.NotifierProperties;
import java.net.http.HttpClient;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    @Bean
    WebhookChannels webhookChannels(NotifierProperties properties, ObjectProvider<RestClient.Builder> builders) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(properties.http().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(client);
        requestFactory.setReadTimeout(properties.http().readTimeout());
        // Boot's builder when present (client observations); a plain one when embedded without it.
        RestClient http = builders.getIfAvailable(RestClient::builder)
                .requestFactory(requestFactory)
                .build();
        Clock clock = Clock.systemUTC();
        return new WebhookChannels(
                properties.webhooks().stream()
                        .map(webhook -> new WebhookChannel(webhook, http, clock))
                        .toList(),
                client);
    }

    @Bean
    Deliveries deliveries(NotifierProperties properties, WebhookChannels webhooks, MeterRegistry meters) {
        return new Deliveries(
                webhooks.channels(),
                RetryPolicy.of(properties.retry()),
                new RecentDeliveries(properties.dedupe().capacity()),
                meters,
                duration -> Thread.sleep(duration));
    }
}
