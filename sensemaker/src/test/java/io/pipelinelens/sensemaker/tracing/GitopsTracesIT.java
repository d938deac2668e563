package io.pipelinelens.sensemaker.tracing;

import static io.pipelinelens.sensemaker.tracing.ExpectedTrace.attributes;
import static io.pipelinelens.sensemaker.tracing.ExpectedTrace.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.trace.v1.Span;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.testing.Fixtures;
import io.pipelinelens.testing.OtlpReceiver;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gitops traces (DESIGN §3 last row, §5): GitHub pull request deliveries go through RabbitMQ,
 * PostgreSQL and OTLP/HTTP; an environment PR hangs under the first application PR its body links
 * and links the others, and a merged application PR waits for such children before it is recorded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class GitopsTracesIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration CHILD_DELAY = Duration.ofSeconds(2);
    static final String APP_REPO = "ailisp/gcbapp-buildconfig-example";

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("gitops", registry);
        registry.add("pipelinelens.sensemaker.tracing.gitops-child-delay", CHILD_DELAY::toString);
        // Room for the test's deliberate pause before an environment PR's parent arrives.
        registry.add("pipelinelens.sensemaker.tracing.pending-timeout", () -> "20s");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Infrastructure {
        @Bean
        static BeanFactoryPostProcessor closeInfrastructureAfterTheApplication() {
            return infra.closedAfterTheApplication();
        }
    }

    @Autowired
    RabbitTemplate rabbit;

    private final Random random = new Random();

    @Test
    void hangsAnEnvironmentPullRequestUnderTheFirstApplicationPullRequestItLinks() {
        long app = freshNumber();
        long otherApp = freshNumber();
        long env = freshNumber();
        ObjectNode appMerged = appPullRequest(app);
        publish(opened(appMerged));
        long published = System.nanoTime();
        publish(appMerged);
        publish(appPullRequest(otherApp));
        ObjectNode envMerged = environmentPullRequest(env, app, otherApp);
        publish(opened(envMerged));
        publish(envMerged);

        Span appSpan = awaitSpan(prUid(APP_REPO, app));
        assertThat(Duration.ofNanos(System.nanoTime() - published))
                .as("a merged application PR waits for its environment PRs")
                .isGreaterThanOrEqualTo(CHILD_DELAY);
        assertThat(hex(appSpan.getTraceId().toByteArray())).isEqualTo(traceId(prUid(APP_REPO, app)));
        assertThat(appSpan.getParentSpanId().isEmpty())
                .as("an application PR starts its trace")
                .isTrue();
        assertThat(appSpan.getName()).isEqualTo("PR " + APP_REPO + "#" + app);
        assertThat(Instant.ofEpochSecond(0, appSpan.getStartTimeUnixNano()))
                .isEqualTo(instant(appMerged, "created_at"));
        assertThat(Instant.ofEpochSecond(0, appSpan.getEndTimeUnixNano()))
                .as("the span ends when the PR merged, not when the delay ran out")
                .isEqualTo(instant(appMerged, "merged_at"));
        assertThat(attributes(appSpan))
                .containsEntry("vcs.change.id", Long.toString(app))
                .containsEntry("vcs.change.state", "merged")
                .containsEntry("vcs.change.title", "Byao1276 patch 1")
                .containsEntry("vcs.repository.name", APP_REPO)
                .containsEntry("vcs.repository.url.full", "https://github.com/" + APP_REPO)
                .containsEntry("vcs.ref.head.name", "byao1276-patch-1")
                .containsEntry("vcs.ref.base.name", "master")
                .containsEntry("vcs.change.url", prUrl(APP_REPO, app))
                .doesNotContainKey("pipelinelens.timing.fallback");

        String envRepo = envMerged.path("repository").path("full_name").asString();
        Span envSpan = awaitSpan(prUid(envRepo, env));
        assertThat(hex(envSpan.getTraceId().toByteArray()))
                .as("the environment PR is in the application PR's trace")
                .isEqualTo(traceId(prUid(APP_REPO, app)));
        assertThat(hex(envSpan.getParentSpanId().toByteArray())).isEqualTo(spanId(prUid(APP_REPO, app)));
        assertThat(envSpan.getLinksList())
                .extracting(l -> hex(l.getTraceId().toByteArray()) + "/"
                        + hex(l.getSpanId().toByteArray()))
                .containsExactly(traceId(prUid(APP_REPO, otherApp)) + "/" + spanId(prUid(APP_REPO, otherApp)));
        assertThat(attributes(envSpan))
                .containsEntry(
                        "vcs.change.title",
                        envMerged.path("pull_request").path("title").asString())
                .containsEntry("vcs.change.state", "merged");
        assertThat(Instant.ofEpochSecond(0, envSpan.getEndTimeUnixNano())).isEqualTo(instant(envMerged, "merged_at"));

        Span otherSpan = awaitSpan(prUid(APP_REPO, otherApp));
        assertThat(otherSpan.getParentSpanId().isEmpty()).isTrue();
    }

    @Test
    void anEnvironmentPullRequestThatArrivesFirstWaitsForItsApplicationPullRequest() throws InterruptedException {
        long app = freshNumber();
        long env = freshNumber();
        ObjectNode envMerged = environmentPullRequest(env, app);
        String envUid = prUid(envMerged.path("repository").path("full_name").asString(), env);
        publish(opened(envMerged));
        publish(envMerged);
        Thread.sleep(CHILD_DELAY.plusSeconds(1).toMillis());
        assertThat(spansWithId(spanId(envUid)))
                .as("nothing is exported while the application PR is missing")
                .isEmpty();

        ObjectNode appMerged = appPullRequest(app);
        publish(opened(appMerged));
        publish(appMerged);

        Span envSpan = awaitSpan(envUid);
        assertThat(hex(envSpan.getTraceId().toByteArray())).isEqualTo(traceId(prUid(APP_REPO, app)));
        assertThat(hex(envSpan.getParentSpanId().toByteArray())).isEqualTo(spanId(prUid(APP_REPO, app)));
        assertThat(envSpan.getLinksList()).isEmpty();
        Span appSpan = awaitSpan(prUid(APP_REPO, app));
        assertThat(appSpan.getParentSpanId().isEmpty()).isTrue();
        assertThat(Instant.ofEpochSecond(0, appSpan.getEndTimeUnixNano())).isEqualTo(instant(appMerged, "merged_at"));
    }

    /** The merged fixture PR under a fresh number. */
    private static ObjectNode appPullRequest(long number) {
        ObjectNode payload = (ObjectNode) Fixtures.tree("github/pull_request-closed-merged.json");
        renumber(payload, number);
        return payload;
    }

    /**
     * A Jenkins X promotion PR (title and body as jx-promote writes them, see PROVENANCE.md) in
     * the opened fixture's repository, merged an hour after it was opened.
     */
    private static ObjectNode environmentPullRequest(long number, long... promoted) {
        ObjectNode payload = (ObjectNode) Fixtures.tree("github/pull_request-opened.json");
        renumber(payload, number);
        ObjectNode pr = (ObjectNode) payload.path("pull_request");
        StringBuilder body = new StringBuilder("this commit will trigger a pipeline to generate the actual kubernetes"
                + " resources to perform the promotion\n\n# gcbapp\n");
        for (long app : promoted) {
            body.append("* ").append(prUrl(APP_REPO, app)).append(" Byao1276 patch 1\n");
        }
        Instant created = Instant.parse(pr.path("created_at").asString());
        payload.put("action", "closed");
        pr.put("title", "chore: promote gcbapp to version 0.0." + number)
                .put("body", body.toString())
                .put("state", "closed")
                .put("merged", true)
                .put("merged_at", created.plusSeconds(3600).toString())
                .put("closed_at", created.plusSeconds(3600).toString())
                .put("updated_at", created.plusSeconds(3600).toString());
        return payload;
    }

    /** The same PR as it was when it was opened. */
    private static ObjectNode opened(ObjectNode merged) {
        ObjectNode payload = merged.deepCopy();
        ObjectNode pr = (ObjectNode) payload.path("pull_request");
        payload.put("action", "opened");
        pr.put("state", "open").put("merged", false).putNull("merged_at").putNull("closed_at");
        pr.put("updated_at", pr.path("created_at").asString());
        return payload;
    }

    private static void renumber(ObjectNode payload, long number) {
        String repo = payload.path("repository").path("full_name").asString();
        payload.put("number", number);
        ((ObjectNode) payload.path("pull_request")).put("number", number).put("html_url", prUrl(repo, number));
    }

    private void publish(ObjectNode payload) {
        rabbit.send(
                infra.exchange,
                Observations.gitHubRoutingKey("pull_request"),
                Observations.gitHubWebhook(
                        UUID.randomUUID().toString(), "pull_request", payload, OffsetDateTime.now()));
    }

    private long freshNumber() {
        return 1000 + random.nextInt(1_000_000);
    }

    private Span awaitSpan(String prUid) {
        String spanId = spanId(prUid);
        await().atMost(WAIT).untilAsserted(() -> assertThat(spansWithId(spanId)).isNotEmpty());
        List<Span> found = spansWithId(spanId);
        assertThat(found).as("exported once").hasSize(1);
        return found.getFirst();
    }

    private List<Span> spansWithId(String spanId) {
        List<Span> found = new ArrayList<>();
        for (OtlpReceiver.ReceivedSpan s : infra.otlp.spans()) {
            if (ExpectedTrace.spanIdOf(s.span()).equals(spanId)) {
                found.add(s.span());
            }
        }
        return found;
    }

    private static Instant instant(ObjectNode payload, String field) {
        return Instant.parse(payload.path("pull_request").path(field).asString());
    }

    /** GitHub names are case-insensitive: the node uid uses the lower-case form. */
    private static String prUid(String repo, long number) {
        return "pr:" + repo.toLowerCase(java.util.Locale.ROOT) + "#" + number;
    }

    private static String prUrl(String repo, long number) {
        return "https://github.com/" + repo + "/pull/" + number;
    }

    private static String traceId(String rootKey) {
        return ExpectedTrace.sha256("trace:" + rootKey, 16);
    }

    private static String spanId(String uid) {
        return ExpectedTrace.spanId(uid);
    }
}
