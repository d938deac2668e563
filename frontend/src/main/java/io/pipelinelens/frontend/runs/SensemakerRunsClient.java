package io.pipelinelens.frontend.runs;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Reads recent runs from the sensemaker's internal {@code GET /api/runs}. Interim: the frontend
 * moves to the sensemaker's GraphQL API once it is served.
 */
public class SensemakerRunsClient implements RecentRuns {

    private static final Logger log = LoggerFactory.getLogger(SensemakerRunsClient.class);

    private static final ParameterizedTypeReference<List<FinishedRun>> RUNS = new ParameterizedTypeReference<>() {};

    private final URI sensemakerUrl;
    private final RestClient restClient;

    public SensemakerRunsClient(
            RestClient.Builder builder, URI sensemakerUrl, Duration connectTimeout, Duration readTimeout) {
        this.sensemakerUrl = sensemakerUrl;
        // Bounded waits: a hung sensemaker must not hold a UI request thread.
        this.restClient = builder.clone()
                .baseUrl(sensemakerUrl.toString())
                .requestFactory(ClientHttpRequestFactoryBuilder.jdk()
                        .build(HttpClientSettings.defaults().withTimeouts(connectTimeout, readTimeout)))
                .build();
    }

    @Override
    public List<FinishedRun> latest(int limit) {
        try {
            List<FinishedRun> runs = restClient
                    .get()
                    .uri("/api/runs?limit={limit}", limit)
                    .accept(MediaType.APPLICATION_JSON)
                    .retrieve()
                    .onStatus(HttpStatusCode::isError, (request, response) -> {
                        throw new RunsUnavailable(
                                "The sensemaker at " + sensemakerUrl + " answered " + response.getStatusCode());
                    })
                    .body(RUNS);
            return runs == null ? List.of() : runs;
        } catch (ResourceAccessException e) {
            throw new RunsUnavailable(
                    "The sensemaker at " + sensemakerUrl + " cannot be reached (" + describe(e) + ")", e);
        } catch (RestClientException e) {
            // The parser's message is long and technical: log it, show the operator the gist.
            log.warn("Unreadable runs from the sensemaker at {}", sensemakerUrl, e);
            throw new RunsUnavailable("The sensemaker at " + sensemakerUrl + " sent runs that cannot be read", e);
        }
    }

    /** The first cause that says something, else the kind of failure (a refused connection has no message). */
    private static String describe(ResourceAccessException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        return e.getCause() == null ? e.getMessage() : e.getCause().getClass().getSimpleName();
    }
}
