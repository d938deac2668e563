package io.pipelinelens.harvester;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.contracts.ResourceEvents.Action;
import io.pipelinelens.testing.Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fabric8 mock API server in CRUD mode with Tekton's PipelineRun and TaskRun CRDs, and a
 * stream of changes to objects built from the fixtures that remembers the latest state of each.
 */
public final class MockCluster implements AutoCloseable {

    public static final String NAMESPACE = "jx";
    public static final String PIPELINE_RUN_FIXTURE = "tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml";
    public static final String TASK_RUN_FIXTURE = "tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml";

    private final KubernetesMockServer server = new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    private final KubernetesClient client;
    private final Map<String, GenericKubernetesResource> templates = new HashMap<>();
    /** Name → the object as the API last served it, for objects that exist. */
    private final Map<String, GenericKubernetesResource> live = new ConcurrentHashMap<>();
    /** uids of the objects this stream deleted. */
    private final Set<String> deletions = ConcurrentHashMap.newKeySet();

    private final Random random = new Random(42);
    private int created;

    public MockCluster() {
        server.init();
        client = server.createClient();
        installCrd("tekton.dev", "PipelineRun", "pipelineruns", "v1");
        installCrd("tekton.dev", "TaskRun", "taskruns", "v1");
        templates.put("PipelineRun", template(PIPELINE_RUN_FIXTURE, "PipelineRun"));
        templates.put("TaskRun", template(TASK_RUN_FIXTURE, "TaskRun"));
    }

    public String url() {
        return server.url("/");
    }

    public KubernetesClient client() {
        return client;
    }

    /** The properties that point a harvester at this cluster, watching PipelineRuns and TaskRuns only. */
    public Map<String, Object> harvesterProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("pipelinelens.harvester.kubernetes.master-url", url());
        p.put("pipelinelens.harvester.kubernetes.retry-interval", "500ms");
        p.put("pipelinelens.harvester.kinds[0].api-version", "tekton.dev/v1");
        p.put("pipelinelens.harvester.kinds[0].kind", "PipelineRun");
        p.put("pipelinelens.harvester.kinds[1].api-version", "tekton.dev/v1");
        p.put("pipelinelens.harvester.kinds[1].kind", "TaskRun");
        return p;
    }

    /** Creates a PipelineRun or TaskRun (alternating) from the fixtures. */
    public synchronized GenericKubernetesResource create() {
        String kind = created % 2 == 0 ? "PipelineRun" : "TaskRun";
        String name = kind.toLowerCase() + "-" + created++;
        GenericKubernetesResource object = copy(templates.get(kind));
        object.getMetadata().setName(name);
        GenericKubernetesResource served = resources(kind).resource(object).create();
        live.put(name, served);
        return served;
    }

    /** A new object of the kind built from its fixture, not yet created. */
    public GenericKubernetesResource newObject(String kind, String name) {
        GenericKubernetesResource object = copy(templates.get(kind));
        object.getMetadata().setName(name);
        return object;
    }

    /** Changes a label of an existing object (a new resourceVersion). */
    public synchronized GenericKubernetesResource update(String name) {
        GenericKubernetesResource current = live.get(name);
        current.getMetadata().getLabels().put("pipelinelens.io/change", Integer.toString(random.nextInt()));
        GenericKubernetesResource served =
                resources(current.getKind()).resource(current).update();
        live.put(name, served);
        return served;
    }

    public synchronized void delete(String name) {
        GenericKubernetesResource current = live.remove(name);
        resources(current.getKind()).resource(current).delete();
        deletions.add(current.getMetadata().getUid());
    }

    /** One random change: create (a quarter), delete (when allowed, a tenth) or update. */
    public synchronized void randomChange(boolean deletesAllowed) {
        int roll = random.nextInt(100);
        if (live.isEmpty() || roll < 25) {
            create();
        } else if (deletesAllowed && roll < 35) {
            delete(anyLiveName());
        } else {
            update(anyLiveName());
        }
    }

    public synchronized String anyLiveName() {
        List<String> names = new ArrayList<>(live.keySet());
        names.sort(null);
        return names.get(random.nextInt(names.size()));
    }

    public synchronized Set<String> liveNames() {
        return Set.copyOf(live.keySet());
    }

    /**
     * What the API holds now, as uid → the id of its latest applied state; read from the API itself,
     * not from what the stream remembers.
     */
    public Map<String, String> apiState() {
        Map<String, String> state = new HashMap<>();
        for (String kind : List.of("PipelineRun", "TaskRun")) {
            for (GenericKubernetesResource o : resources(kind).list().getItems()) {
                state.put(
                        o.getMetadata().getUid(),
                        ResourceEvents.id(
                                Action.APPLIED,
                                o.getMetadata().getUid(),
                                o.getMetadata().getResourceVersion()));
            }
        }
        return state;
    }

    /** uids of every object this stream deleted. */
    public Set<String> deletedUids() {
        return Set.copyOf(deletions);
    }

    public NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            resources(String kind) {
        return client.genericKubernetesResources("tekton.dev/v1", kind).inNamespace(NAMESPACE);
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    private GenericKubernetesResource template(String fixture, String kind) {
        GenericKubernetesResource resource = client.getKubernetesSerialization()
                .unmarshal(Fixtures.objects(fixture).getFirst().toString(), GenericKubernetesResource.class);
        resource.setApiVersion("tekton.dev/v1");
        resource.setKind(kind);
        resource.getMetadata().setNamespace(NAMESPACE);
        resource.getMetadata().setUid(null);
        resource.getMetadata().setResourceVersion(null);
        resource.getMetadata().setOwnerReferences(null);
        if (resource.getMetadata().getLabels() == null) {
            resource.getMetadata().setLabels(new HashMap<>());
        }
        return resource;
    }

    private GenericKubernetesResource copy(GenericKubernetesResource template) {
        var serialization = client.getKubernetesSerialization();
        return serialization.unmarshal(serialization.asJson(template), GenericKubernetesResource.class);
    }

    private void installCrd(String group, String kind, String plural, String version) {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd(group, kind, plural, version, true))
                .create();
    }

    /**
     * A CustomResourceDefinition that keeps every field, as the real Tekton / Jenkins X ones
     * effectively do, optionally with the status subresource.
     */
    public static CustomResourceDefinition crd(
            String group, String kind, String plural, String version, boolean statusSubresource) {
        var spec = new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(plural + "." + group)
                .endMetadata()
                .withNewSpec()
                .withGroup(group)
                .withScope("Namespaced")
                .withNewNames()
                .withKind(kind)
                .withPlural(plural)
                .withSingular(kind.toLowerCase(java.util.Locale.ROOT))
                .endNames()
                .addNewVersion()
                .withName(version)
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema();
        if (statusSubresource) {
            spec = spec.withNewSubresources().withNewStatus().endStatus().endSubresources();
        }
        return spec.endVersion().endSpec().build();
    }
}
