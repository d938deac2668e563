package io.pipelinelens.standalone.simulator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Map;

/** Writes through a fabric8 client, as the Lighthouse, Tekton and Jenkins X controllers would. */
public final class KubernetesClusterWriter implements ClusterWriter {

    private final KubernetesClient client;

    public KubernetesClusterWriter(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public String create(Map<String, Object> object) {
        GenericKubernetesResource created =
                ops(object).resource(toResource(object)).create();
        return created.getMetadata().getUid();
    }

    @Override
    public void update(Map<String, Object> object) {
        GenericKubernetesResource current = current(object);
        copyBody(object, current);
        ops(object).resource(current).update();
    }

    @Override
    public void updateStatus(Map<String, Object> object) {
        GenericKubernetesResource current = current(object);
        current.getAdditionalProperties().put("status", object.get("status"));
        ops(object).resource(current).updateStatus();
    }

    private GenericKubernetesResource current(Map<String, Object> object) {
        String name = Tree.string(object, "metadata", "name");
        GenericKubernetesResource current = ops(object).withName(name).get();
        if (current == null) {
            throw new IllegalStateException(Tree.string(object, "kind") + " " + name + " is gone");
        }
        return current;
    }

    private static void copyBody(Map<String, Object> from, GenericKubernetesResource to) {
        from.forEach((key, value) -> {
            if (!key.equals("apiVersion") && !key.equals("kind") && !key.equals("metadata")) {
                to.getAdditionalProperties().put(key, value);
            }
        });
    }

    private NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            ops(Map<String, Object> object) {
        return client.genericKubernetesResources(Tree.string(object, "apiVersion"), Tree.string(object, "kind"))
                .inNamespace(Tree.string(object, "metadata", "namespace"));
    }

    private GenericKubernetesResource toResource(Map<String, Object> object) {
        return client.getKubernetesSerialization().convertValue(object, GenericKubernetesResource.class);
    }
}
