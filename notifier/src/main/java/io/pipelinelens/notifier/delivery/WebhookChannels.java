package io.pipelinelens.notifier.delivery;

import java.net.http.HttpClient;
import java.util.List;

/** The configured webhook channels and the HTTP client they share, closed with the context. */
public record WebhookChannels(List<WebhookChannel> channels, HttpClient client) implements AutoCloseable {

    @Override
    public void close() {
        client.close();
    }
}
