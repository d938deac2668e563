package io.pipelinelens.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schemas accept what the real world sends: every Kubernetes object, webhook and CDEvent in the
 * shared fixtures, wrapped the way the harvester wraps them.
 */
class FixtureConformanceTests {

    private static final Pattern TEKTON_FILE = Pattern.compile("^(pipelinerun|taskrun)-(v1|v1beta1|v1alpha1)-.*");

    /** Kubernetes object files: the watched kinds, Lists included; not the docs' status excerpt. */
    static Stream<Arguments> kubernetesObjects() {
        return Stream.of(
                        FixtureFiles.list("tekton", n -> n.endsWith(".yaml") && !n.startsWith("taskrun-status-")),
                        FixtureFiles.list("lighthouse", n -> n.startsWith("lighthousejob-")),
                        FixtureFiles.list("jx", n -> n.endsWith(".yaml")),
                        FixtureFiles.list("pods", n -> n.endsWith(".yaml")),
                        FixtureFiles.list("events", n -> n.endsWith(".yaml")))
                .flatMap(List::stream)
                .flatMap(file -> {
                    List<JsonNode> objects = FixtureFiles.kubernetesObjects(file);
                    return java.util.stream.IntStream.range(0, objects.size())
                            .mapToObj(i -> Arguments.of(file + "#" + i, asHarvested(file, objects.get(i))));
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubernetesObjects")
    void everyNamedKubernetesObjectInTheFixturesIsValidResourceData(String where, ObjectNode object) {
        Schema schema = CatalogSchemas.of(EventType.RESOURCE_APPLIED);
        List<String> errors = CatalogSchemas.errors(schema, object);

        if (object.path("metadata").hasNonNull("name")) {
            assertThat(errors).as(where).isEmpty();
            assertThat(CatalogSchemas.errors(CatalogSchemas.of(EventType.RESOURCE_DELETED), object))
                    .isEmpty();
        } else {
            // Docs excerpts and a test's expected output have no name; the API never serves such an object.
            assertThat(errors).as(where).anyMatch(e -> e.contains("'name'") || e.contains("'metadata'"));
        }
    }

    @Test
    void theFixturesCoverEveryWatchedFolderWithNamedObjects() {
        List<String> named = kubernetesObjects()
                .filter(a -> ((JsonNode) a.get()[1]).path("metadata").hasNonNull("name"))
                .map(a -> ((String) a.get()[0]).substring(0, ((String) a.get()[0]).indexOf('/')))
                .distinct()
                .toList();
        assertThat(named).containsExactlyInAnyOrder("tekton", "lighthouse", "jx", "pods", "events");
    }

    static Stream<Arguments> githubDeliveries() {
        return FixtureFiles.list("github", n -> n.endsWith(".json") && !n.endsWith(".headers.json")).stream()
                .map(file -> Arguments.of(file, githubWebhook(file)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("githubDeliveries")
    void everyGithubPayloadIsValidWebhookData(String file, ObjectNode data) {
        assertThat(CatalogSchemas.errors(CatalogSchemas.of(EventType.GIT_WEBHOOK_RECEIVED), data))
                .as(file)
                .isEmpty();
    }

    static Stream<Arguments> lighthouseRequests() {
        return FixtureFiles.list("lighthouse", n -> n.startsWith("external-plugin-request-")).stream()
                .map(file -> Arguments.of(file, lighthouseWebhook(file)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lighthouseRequests")
    void everyLighthouseExternalPluginRequestIsValidWebhookData(String file, ObjectNode data) {
        assertThat(CatalogSchemas.errors(CatalogSchemas.of(EventType.GIT_WEBHOOK_RECEIVED), data))
                .as(file)
                .isEmpty();
    }

    static Stream<Arguments> cdevents() {
        return FixtureFiles.list("cdevents", n -> n.endsWith(".json")).stream()
                .map(file -> Arguments.of(file, FixtureFiles.json(file)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cdevents")
    void everyCdeventsConformanceExampleIsValidDataOfItsType(String file, JsonNode cdevent) {
        EventType type = EventType.of(cdevent.path("context").path("type").asString())
                .orElseThrow(() -> new AssertionError(file + " has a type outside the catalog"));

        assertThat(type.channel()).isEqualTo(Channel.STATUS);
        assertThat(CatalogSchemas.errors(CatalogSchemas.of(type), cdevent))
                .as(file)
                .isEmpty();
    }

    /**
     * As the harvester publishes an object: apiVersion and kind set from the watched kind where the
     * dump lacks them (tekton/pipelinerun-v1-lighthouse-presubmit-created.yaml and
     * tekton/pipelinerun-v1beta1-lighthouse-running.yaml), managedFields removed.
     */
    static ObjectNode asHarvested(String file, JsonNode object) {
        ObjectNode copy = (ObjectNode) object.deepCopy();
        String name = file.substring(file.indexOf('/') + 1);
        if (!copy.hasNonNull("apiVersion") || !copy.hasNonNull("kind")) {
            Matcher tekton = TEKTON_FILE.matcher(name);
            if (!tekton.matches()) {
                throw new IllegalStateException(file + " lacks apiVersion/kind and is not a Tekton run");
            }
            copy.put("apiVersion", "tekton.dev/" + tekton.group(2));
            copy.put("kind", tekton.group(1).equals("pipelinerun") ? "PipelineRun" : "TaskRun");
        }
        if (copy.path("metadata").isObject()) {
            ((ObjectNode) copy.path("metadata")).remove("managedFields");
        }
        return copy;
    }

    static ObjectNode githubWebhook(String file) {
        JsonNode payload = FixtureFiles.json(file);
        String headersFile = file.replace(".json", ".headers.json");
        boolean hasHeaders = FixtureFiles.list("github", n -> true).contains(headersFile);
        JsonNode headers = hasHeaders ? FixtureFiles.json(headersFile) : CatalogSchemas.JSON.createObjectNode();
        // Without captured headers the event name is the file's prefix (pull_request-opened.json).
        String kind = headers.path("x-github-event").asString(file.substring(file.indexOf('/') + 1, file.indexOf('-')));
        ObjectNode data = CatalogSchemas.JSON.createObjectNode();
        data.put("provider", "github");
        data.put("kind", kind);
        if (headers.hasNonNull("x-github-delivery")) {
            data.put("deliveryId", headers.path("x-github-delivery").asString());
        } else {
            data.putNull("deliveryId");
        }
        data.set("payload", payload);
        return data;
    }

    static ObjectNode lighthouseWebhook(String file) {
        JsonNode request = FixtureFiles.json(file);
        JsonNode headers = request.path("headers");
        JsonNode body = request.path("body");
        String payloadType = headers.path("X-Lighthouse-Payload-Type").asString();
        ObjectNode data = CatalogSchemas.JSON.createObjectNode();
        data.put("provider", "lighthouse");
        data.put(
                "kind",
                payloadType.equals("activity")
                        ? "activity"
                        : headers.path("X-Lighthouse-Webhook-Kind").asString());
        data.put("payloadType", payloadType);
        String guid = guid(body);
        if (guid == null) {
            data.putNull("deliveryId");
        } else {
            data.put("deliveryId", guid);
        }
        data.set("payload", body);
        return data;
    }

    /** go-scm's GUID, whatever its spelling (the goldens write Guid). */
    static String guid(JsonNode body) {
        for (String field : body.propertyNames()) {
            if (field.toLowerCase(Locale.ROOT).equals("guid")
                    && body.path(field).isString()) {
                return body.path(field).asString();
            }
        }
        return null;
    }
}
