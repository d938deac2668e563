package io.pipelinelens.harvester.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.contracts.ResourceEvents.Action;
import io.pipelinelens.harvester.HarvesterApplication;
import io.pipelinelens.harvester.MockCluster;
import io.pipelinelens.harvester.ObservationQueue;
import io.pipelinelens.harvester.ObservationQueue.Received;
import io.pipelinelens.testing.Fixtures;
import io.pipelinelens.testing.LocalRabbit;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The watchers against the fabric8 mock API server (CRUD mode) and a real RabbitMQ: every default
 * kind's create, status update and delete arrive as exactly the expected CloudEvents.
 */
@SpringBootTest(classes = HarvesterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ResourceWatcherIT {

    private static final String EXCHANGE = LocalRabbit.uniqueName("harvester-watch-it");
    private static final String NS = "jx";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final KubernetesMockServer API = new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    private static KubernetesClient kubernetes;
    private static ObservationQueue queue;

    static {
        API.init();
        kubernetes = API.createClient();
        // PipelineActivity's CRD is left out on purpose: picksUpACrdInstalledAfterStartWithoutRestart adds it.
        installCrd("tekton.dev", "PipelineRun", "pipelineruns", "v1", true);
        installCrd("tekton.dev", "TaskRun", "taskruns", "v1", true);
        installCrd("lighthouse.jenkins.io", "LighthouseJob", "lighthousejobs", "v1alpha1", true);
        queue = new ObservationQueue(EXCHANGE);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        registry.add("pipelinelens.harvester.kubernetes.master-url", () -> API.url("/"));
        registry.add("pipelinelens.harvester.kubernetes.retry-interval", () -> "500ms");
        registry.add("pipelinelens.harvester.exchange", () -> EXCHANGE);
        registry.add("pipelinelens.harvester.cluster", () -> "it");
        registry.add("spring.rabbitmq.host", broker::host);
        registry.add("spring.rabbitmq.port", broker::port);
        registry.add("spring.rabbitmq.username", broker::username);
        registry.add("spring.rabbitmq.password", broker::password);
    }

    @Autowired
    ResourceWatcher watcher;

    @BeforeAll
    static void noKubeconfigLeaks() {
        assertThat(API.url("/")).startsWith("http://");
    }

    @AfterAll
    static void tearDown() {
        queue.close();
        kubernetes.close();
        API.destroy();
    }

    @Test
    void publishesCreateStatusUpdateAndDeleteOfPipelineRuns() {
        lifecycle(
                "tekton.dev/v1",
                "PipelineRun",
                "tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml",
                "resource.%s.pipelinerun",
                "PipelineRun.tekton.dev/jx/",
                status -> status.put("completionTime", "2030-01-01T00:00:00Z"));
    }

    @Test
    void publishesCreateStatusUpdateAndDeleteOfTaskRuns() {
        lifecycle(
                "tekton.dev/v1",
                "TaskRun",
                "tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml",
                "resource.%s.taskrun",
                "TaskRun.tekton.dev/jx/",
                status -> status.put("podName", "changed-pod"));
    }

    @Test
    void publishesCreateStatusUpdateAndDeleteOfLighthouseJobs() {
        lifecycle(
                "lighthouse.jenkins.io/v1alpha1",
                "LighthouseJob",
                "lighthouse/lighthousejob-presubmit-pending.yaml",
                "resource.%s.lighthousejob",
                "LighthouseJob.lighthouse.jenkins.io/jx/",
                status -> status.put("state", "running"));
    }

    @Test
    void picksUpACrdInstalledAfterStartWithoutRestart() {
        assertThat(statusOf("pipelineactivity.jenkins.io").state()).isEqualTo(ResourceWatcher.State.UNAVAILABLE);

        installCrd("jenkins.io", "PipelineActivity", "pipelineactivities", "v1", false);
        await().atMost(WAIT).until(() -> statusOf("pipelineactivity.jenkins.io").synced());

        lifecycle(
                "jenkins.io/v1",
                "PipelineActivity",
                "jx/pipelineactivity-lighthouse-postsubmit-succeeded.yaml",
                "resource.%s.pipelineactivity",
                "PipelineActivity.jenkins.io/jx/",
                null,
                object -> {},
                // PipelineActivity keeps its status in spec.status and has no status subresource.
                object -> spec(object).put("status", "Failed"));
    }

    @Test
    void publishesTektonPodsOnlyAndTheirLifecycle() {
        // The 2019 fixture pods predate Tekton's managed-by label; the watcher selects on it.
        GenericKubernetesResource unlabelled = fixture("pods/pod-taskrun-meta-pipeline-succeeded.yaml", "v1", "Pod");
        resources("v1", "Pod").resource(unlabelled).create();

        lifecycle(
                "v1",
                "Pod",
                "pods/pod-taskrun-build-pack-step-failed.yaml",
                "resource.%s.pod",
                "Pod/jx/",
                status -> status.put("phase", "Failed"),
                object -> object.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "tekton-pipelines"),
                null);

        String unlabelledSubject = "Pod/jx/" + unlabelled.getMetadata().getName();
        assertThat(queue.drain(r -> unlabelledSubject.equals(r.event().getSubject()), Duration.ofSeconds(1)))
                .isEmpty();
    }

    @Test
    void publishesEventsAboutWatchedKindsOnly() {
        List<GenericKubernetesResource> events =
                Fixtures.objects("events/k8s-events-v1-deployment-rollout-pod-lifecycle.yaml").stream()
                        .map(node -> toResource(node.toString(), "v1", "Event"))
                        .toList();
        GenericKubernetesResource aboutPod = events.stream()
                .filter(e -> "Pod".equals(involvedKind(e)))
                .findFirst()
                .orElseThrow();
        GenericKubernetesResource aboutDeployment = events.stream()
                .filter(e -> "Deployment".equals(involvedKind(e)))
                .findFirst()
                .orElseThrow();
        aboutDeployment.getMetadata().setName("about-a-deployment");
        resources("v1", "Event").resource(prepare(aboutDeployment)).create();

        String subjectPrefix = "Event/jx/";
        GenericKubernetesResource created =
                resources("v1", "Event").resource(prepare(aboutPod)).create();
        String subject = subjectPrefix + created.getMetadata().getName();
        Received applied = single(subject, 1).getFirst();
        assertEvent(applied, Action.APPLIED, created, "resource.applied.event", subject);

        created.getAdditionalProperties().put("count", 2);
        GenericKubernetesResource updated =
                resources("v1", "Event").resource(created).update();
        assertEvent(single(subject, 1).getFirst(), Action.APPLIED, updated, "resource.applied.event", subject);

        resources("v1", "Event").resource(updated).delete();
        Received deleted = single(subject, 1).getFirst();
        assertDeleted(deleted, updated, "resource.deleted.event", subject);

        assertThat(queue.drain(
                        r -> r.event().getSubject().equals(subjectPrefix + "about-a-deployment"),
                        Duration.ofSeconds(1)))
                .isEmpty();
    }

    // --- the lifecycle every kind goes through

    private void lifecycle(
            String apiVersion,
            String kind,
            String fixture,
            String routingKey,
            String subjectPrefix,
            Consumer<Map<String, Object>> statusChange) {
        lifecycle(apiVersion, kind, fixture, routingKey, subjectPrefix, statusChange, object -> {}, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource object) {
        return (Map<String, Object>) object.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private void lifecycle(
            String apiVersion,
            String kind,
            String fixture,
            String routingKey,
            String subjectPrefix,
            Consumer<Map<String, Object>> statusChange,
            Consumer<GenericKubernetesResource> adjust,
            Consumer<GenericKubernetesResource> specChange) {
        GenericKubernetesResource object = fixture(fixture, apiVersion, kind);
        adjust.accept(object);
        GenericKubernetesResource created =
                resources(apiVersion, kind).resource(object).create();
        String subject = subjectPrefix + created.getMetadata().getName();

        Received applied = single(subject, 1).getFirst();
        assertEvent(applied, Action.APPLIED, created, routingKey.formatted("applied"), subject);
        assertThat(created.getMetadata().getManagedFields())
                .as("the fixture carries managedFields")
                .isNotEmpty();

        GenericKubernetesResource updated;
        if (statusChange != null) {
            Map<String, Object> status = (Map<String, Object>)
                    created.getAdditionalProperties().computeIfAbsent("status", k -> new HashMap<String, Object>());
            statusChange.accept(status);
            updated = resources(apiVersion, kind).resource(created).updateStatus();
        } else {
            specChange.accept(created);
            updated = resources(apiVersion, kind).resource(created).update();
        }
        assertThat(updated.getMetadata().getResourceVersion())
                .isNotEqualTo(created.getMetadata().getResourceVersion());
        assertEvent(single(subject, 1).getFirst(), Action.APPLIED, updated, routingKey.formatted("applied"), subject);

        resources(apiVersion, kind).resource(updated).delete();
        assertDeleted(single(subject, 1).getFirst(), updated, routingKey.formatted("deleted"), subject);

        assertThat(queue.drain(r -> subject.equals(r.event().getSubject()), Duration.ofSeconds(1)))
                .as("nothing beyond create, status update and delete")
                .isEmpty();
    }

    private static List<Received> single(String subject, int count) {
        List<Received> received = queue.await(r -> subject.equals(r.event().getSubject()), count, WAIT);
        assertThat(received).as("events for " + subject).hasSize(count);
        return received;
    }

    private static void assertEvent(
            Received received, Action action, GenericKubernetesResource served, String routingKey, String subject) {
        String uid = served.getMetadata().getUid();
        assertThat(uid).isNotBlank();
        assertThat(received.event().getType()).isEqualTo(action.type().type());
        assertThat(received.event().getId())
                .isEqualTo(ResourceEvents.id(action, uid, served.getMetadata().getResourceVersion()));
        assertThat(received.event().getSource()).hasToString("/clusters/it");
        assertThat(received.event().getSubject()).isEqualTo(subject);
        assertThat(received.event().getTime()).isNotNull();
        assertThat(received.routingKey()).isEqualTo(routingKey);
        assertThat(received.message().getMessageProperties().getMessageId())
                .isEqualTo(received.event().getId());
        assertThat(received.message().getMessageProperties().getContentType())
                .isEqualTo("application/cloudevents+json");
        assertThat(received.event().getExtension(ResourceEvents.TRIMMED_EXTENSION))
                .isNull();

        JsonNode data = received.data();
        assertThat(data.path("metadata").has("managedFields")).isFalse();
        // fabric8 leaves out null-valued fields when it relays an object; they carry no information.
        assertThat(withoutNulls(data)).isEqualTo(withoutNulls(withoutManagedFields(served)));
    }

    private static void assertDeleted(
            Received received, GenericKubernetesResource last, String routingKey, String subject) {
        JsonNode data = received.data();
        String uid = last.getMetadata().getUid();
        assertThat(received.event().getType()).isEqualTo(Action.DELETED.type().type());
        assertThat(received.event().getId())
                .isEqualTo(ResourceEvents.id(
                        Action.DELETED,
                        uid,
                        data.path("metadata").path("resourceVersion").asText()));
        assertThat(received.event().getSubject()).isEqualTo(subject);
        assertThat(received.routingKey()).isEqualTo(routingKey);
        assertThat(data.path("metadata").has("managedFields")).isFalse();
        assertThat(data.path("metadata").path("uid").asText()).isEqualTo(uid);
        assertThat(data.path("apiVersion").asText()).isEqualTo(last.getApiVersion());
        assertThat(data.path("kind").asText()).isEqualTo(last.getKind());
    }

    private static JsonNode withoutNulls(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(e -> e.getValue().isNull());
        }
        node.forEach(ResourceWatcherIT::strip);
    }

    private static JsonNode withoutManagedFields(GenericKubernetesResource served) {
        try {
            ObjectNode node = (ObjectNode)
                    JSON.readTree(kubernetes.getKubernetesSerialization().asJson(served));
            ((ObjectNode) node.get("metadata")).remove("managedFields");
            return node;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- fixtures and the mock API

    private static GenericKubernetesResource fixture(String path, String apiVersion, String kind) {
        return prepare(toResource(Fixtures.objects(path).getFirst().toString(), apiVersion, kind));
    }

    private static GenericKubernetesResource toResource(String json, String apiVersion, String kind) {
        GenericKubernetesResource resource =
                kubernetes.getKubernetesSerialization().unmarshal(json, GenericKubernetesResource.class);
        resource.setApiVersion(apiVersion);
        resource.setKind(kind);
        return resource;
    }

    /** Drops what the API server assigns and gives every object managedFields to be removed. */
    private static GenericKubernetesResource prepare(GenericKubernetesResource resource) {
        resource.getMetadata().setNamespace(NS);
        resource.getMetadata().setUid(null);
        resource.getMetadata().setResourceVersion(null);
        resource.getMetadata().setOwnerReferences(resource.getMetadata().getOwnerReferences());
        if (resource.getMetadata().getManagedFields() == null
                || resource.getMetadata().getManagedFields().isEmpty()) {
            resource.getMetadata()
                    .setManagedFields(List.of(new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder()
                            .withManager("kubectl")
                            .withOperation("Update")
                            .withApiVersion(resource.getApiVersion())
                            .build()));
        }
        if (resource.getMetadata().getLabels() == null) {
            resource.getMetadata().setLabels(new HashMap<>());
        }
        return resource;
    }

    private static NonNamespaceOperation<
                    GenericKubernetesResource,
                    io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
                    Resource<GenericKubernetesResource>>
            resources(String apiVersion, String kind) {
        return kubernetes.genericKubernetesResources(apiVersion, kind).inNamespace(NS);
    }

    private static String involvedKind(GenericKubernetesResource event) {
        Object involved = event.getAdditionalProperties().get("involvedObject");
        return involved instanceof Map<?, ?> map ? (String) map.get("kind") : null;
    }

    private ResourceWatcher.KindStatus statusOf(String key) {
        return watcher.status().stream()
                .filter(s -> s.kind().equals(key))
                .findFirst()
                .orElseThrow();
    }

    private static void installCrd(
            String group, String kind, String plural, String version, boolean statusSubresource) {
        kubernetes
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(MockCluster.crd(group, kind, plural, version, statusSubresource))
                .create();
    }
}
