package io.pipelinelens.sensemaker.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipelinelens.contracts.Catalog;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.sensemaker.Observations;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything that makes a harvester CloudEvent unusable is found when it is parsed, with a reason;
 * everything usable is read in full; and of two states of one object in a batch the right one is
 * kept.
 */
class ObservationTests {

    private static final String POD = "pods/pod-taskrun-meta-pipeline-succeeded.yaml";

    private final JsonMapper json = JsonMapper.builder().build();

    // --- what is read from the catalog's samples ---

    @Test
    void readsTheEnvelopeOfAnAppliedResource() {
        ObjectNode sample = sample(EventType.RESOURCE_APPLIED);

        Observation o = parse(sample);

        assertThat(o.id()).isEqualTo("cbca9205-e653-43db-98a3-6e1584c4b796/270419726");
        assertThat(o.type()).isEqualTo(EventType.RESOURCE_APPLIED);
        assertThat(o.source()).isEqualTo("/clusters/ci");
        assertThat(o.subject()).isEqualTo("PipelineRun.tekton.dev/jx/x-plugins-jx-registry-pr-8-lint-dbqqf");
        assertThat(o.time()).isEqualTo(Instant.parse("2022-06-15T11:09:56.731Z"));
        assertThat(o.deletion()).isFalse();
    }

    @Test
    void readsTheObjectIdentityOfAnAppliedResource() {
        Observation o = parse(sample(EventType.RESOURCE_APPLIED));

        assertThat(o.object())
                .isEqualTo(new Observation.ObjectRef(
                        "cbca9205-e653-43db-98a3-6e1584c4b796",
                        "tekton.dev/v1",
                        "PipelineRun",
                        "jx",
                        "x-plugins-jx-registry-pr-8-lint-dbqqf",
                        "270419726"));
    }

    @Test
    void keepsTheDataAsItArrived() {
        ObjectNode sample = sample(EventType.RESOURCE_APPLIED);

        Observation o = parse(sample);

        assertThat(o.data()).isEqualTo(sample.path("data"));
        assertThat(json.readTree(o.dataJson())).isEqualTo(sample.path("data"));
    }

    @Test
    void readsADeletedResourceAsADeletion() {
        ObjectNode sample = sample(EventType.RESOURCE_DELETED);

        Observation o = parse(sample);

        assertThat(o.id()).isEqualTo("6c5192c3-d3ed-11e9-8142-42010a840094/3555/deleted");
        assertThat(o.type()).isEqualTo(EventType.RESOURCE_DELETED);
        assertThat(o.deletion()).isTrue();
        assertThat(o.source()).isEqualTo("/clusters/ci");
        assertThat(o.subject()).isEqualTo("Pod/jx/meta-cb-kubecd-bdd-spring-15681-1-meta-pipeline-rwb55-pod-e44008");
        assertThat(o.time()).isEqualTo(Instant.parse("2019-09-10T17:15:02.118Z"));
        assertThat(o.object())
                .isEqualTo(new Observation.ObjectRef(
                        "6c5192c3-d3ed-11e9-8142-42010a840094",
                        "v1",
                        "Pod",
                        "jx",
                        "meta-cb-kubecd-bdd-spring-15681-1-meta-pipeline-rwb55-pod-e44008",
                        "3555"));
        assertThat(json.readTree(o.dataJson())).isEqualTo(sample.path("data"));
    }

    @Test
    void readsAGitWebhookWithoutAnObject() {
        ObjectNode sample = sample(EventType.GIT_WEBHOOK_RECEIVED);

        Observation o = parse(sample);

        assertThat(o.id()).isEqualTo("88f41318-101a-11ea-99ad-ec7586fcd78e");
        assertThat(o.type()).isEqualTo(EventType.GIT_WEBHOOK_RECEIVED);
        assertThat(o.source()).isEqualTo("/webhooks/github");
        assertThat(o.subject()).isEqualTo("ailisp/gcbapp-buildconfig-example");
        assertThat(o.time()).isEqualTo(Instant.parse("2019-11-26T07:01:14.302Z"));
        assertThat(o.object()).isNull();
        assertThat(o.deletion()).isFalse();
        assertThat(o.data().path("provider").asString()).isEqualTo("github");
        assertThat(json.readTree(o.dataJson())).isEqualTo(sample.path("data"));
    }

    @Test
    void readsAWebhookWhoseDataIsNoKubernetesObject() {
        // A webhook's data has no metadata at all: it must not be checked as an object.
        ObjectNode event = sample(EventType.GIT_WEBHOOK_RECEIVED);
        event.set("data", json.createObjectNode().put("provider", "gitlab"));

        assertThat(parse(event).object()).isNull();
    }

    // --- what is read from the harvester's events as the tests build them ---

    @Test
    void readsAnObservationTheHarvesterWouldSend() {
        ObjectNode pod = Observations.fixture(POD);
        OffsetDateTime time = OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 123_000_000, ZoneOffset.ofHours(2));
        JsonNode metadata = pod.path("metadata");
        String uid = metadata.path("uid").asString();
        String resourceVersion = metadata.path("resourceVersion").asString();

        Observation o = Observation.parse(
                Observations.message(ResourceEvents.Action.APPLIED, pod, time).getBody(), json);

        assertThat(o.id()).isEqualTo(ResourceEvents.id(ResourceEvents.Action.APPLIED, uid, resourceVersion));
        assertThat(o.type()).isEqualTo(EventType.RESOURCE_APPLIED);
        assertThat(o.source()).isEqualTo(ResourceEvents.source("test-cluster"));
        assertThat(o.time()).isEqualTo(Instant.parse("2024-05-06T05:08:09.123Z"));
        assertThat(o.object().uid()).isEqualTo(uid);
        assertThat(o.object().kind()).isEqualTo("Pod");
        assertThat(o.object().apiVersion()).isEqualTo("v1");
        assertThat(o.object().namespace()).isEqualTo(metadata.path("namespace").asString());
        assertThat(o.object().name()).isEqualTo(metadata.path("name").asString());
        assertThat(o.object().resourceVersion()).isEqualTo(resourceVersion);
        assertThat(json.readTree(o.dataJson())).isEqualTo(pod);
    }

    @Test
    void readsADeletionTheHarvesterWouldSend() {
        ObjectNode pod = Observations.fixture(POD);

        Observation o = Observation.parse(
                Observations.message(ResourceEvents.Action.DELETED, pod).getBody(), json);

        assertThat(o.type()).isEqualTo(EventType.RESOURCE_DELETED);
        assertThat(o.deletion()).isTrue();
        assertThat(json.readTree(o.dataJson())).isEqualTo(pod);
    }

    @Test
    void readsAClusterScopedObjectWithoutANamespace() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        ((ObjectNode) event.path("data").path("metadata")).remove("namespace");

        assertThat(parse(event).object().namespace()).isNull();
    }

    @Test
    void decodesDataBase64() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        JsonNode data = event.remove("data");
        event.put("data_base64", Base64.getEncoder().encodeToString(json.writeValueAsBytes(data)));

        Observation o = parse(event);

        assertThat(o.data()).isEqualTo(data);
        assertThat(json.readTree(o.dataJson())).isEqualTo(data);
        assertThat(o.object().uid()).isEqualTo("cbca9205-e653-43db-98a3-6e1584c4b796");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "application/vnd.example+json"})
    void acceptsJsonDataContentTypes(String contentType) {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.put("datacontenttype", contentType);

        assertThat(parse(event).id()).isEqualTo("cbca9205-e653-43db-98a3-6e1584c4b796/270419726");
    }

    @Test
    void takesJsonDataWhenTheContentTypeIsLeftOut() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove("datacontenttype");

        assertThat(parse(event).data())
                .isEqualTo(sample(EventType.RESOURCE_APPLIED).path("data"));
    }

    @Test
    void readsATimeWithAnOffset() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.put("time", "2022-06-15T13:09:56.731+02:00");

        assertThat(parse(event).time()).isEqualTo(Instant.parse("2022-06-15T11:09:56.731Z"));
    }

    @Test
    void takesTheTimeOfReceiptWhenTheEventHasNoTime() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove("time");
        Instant before = Instant.now();

        Instant time = parse(event).time();

        assertThat(time).isBetween(before, Instant.now());
    }

    @Test
    void hasNoSubjectWhenTheEventHasNone() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove("subject");

        assertThat(parse(event).subject()).isNull();
    }

    // --- what is rejected, and why ---

    @Test
    void rejectsAnEmptyMessage() {
        assertThatThrownBy(() -> Observation.parse(new byte[0], json))
                .isInstanceOf(InvalidObservation.class)
                .hasMessage("empty message");
        assertThatThrownBy(() -> Observation.parse(null, json))
                .isInstanceOf(InvalidObservation.class)
                .hasMessage("empty message");
    }

    @Test
    void rejectsAMessageThatIsNotJson() {
        assertRejected("this is not JSON {".getBytes(StandardCharsets.UTF_8))
                .hasMessageStartingWith("not a structured-mode CloudEvent")
                .hasCauseInstanceOf(tools.jackson.core.JacksonException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1, 2]", "\"an event\"", "42", "null"})
    void rejectsJsonThatIsNotAnObject(String body) {
        assertRejected(body.getBytes(StandardCharsets.UTF_8))
                .hasMessage("not a structured-mode CloudEvent: not a JSON object");
    }

    @Test
    void rejectsAnEventWithoutSpecversion() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove("specversion");

        assertRejected(event).hasMessage("not a structured-mode CloudEvent: specversion 1.0 is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3", "1", "2.0", ""})
    void rejectsAnEventOfAnotherSpecversion(String specversion) {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.put("specversion", specversion);

        assertRejected(event).hasMessage("not a structured-mode CloudEvent: specversion 1.0 is required");
    }

    @Test
    void rejectsAnArbitraryJsonObject() {
        assertRejected("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8))
                .hasMessage("not a structured-mode CloudEvent: specversion 1.0 is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "source", "type"})
    void rejectsAnEventWithoutARequiredAttribute(String attribute) {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove(attribute);

        assertRejected(event).hasMessage("not a structured-mode CloudEvent: " + attribute + " is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "source", "type"})
    void rejectsAnEventWithABlankRequiredAttribute(String attribute) {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.put(attribute, "  ");

        assertRejected(event).hasMessage("not a structured-mode CloudEvent: " + attribute + " is required");
    }

    @Test
    void rejectsAnEventWhoseIdIsNoValue() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.putObject("id").put("nested", "x");

        assertRejected(event).hasMessage("not a structured-mode CloudEvent: id is required");
    }

    @Test
    void rejectsAnEventOfAnUnknownType() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.put("type", "io.pipelinelens.no.such.type.v1");

        assertRejected(event).hasMessage("type io.pipelinelens.no.such.type.v1 is not an observation");
    }

    @Test
    void rejectsACatalogEventThatIsNotAnObservation() {
        // A real status event of the catalog: well-formed, but not the harvester's.
        ObjectNode event = sample(EventType.PIPELINERUN_FINISHED);

        assertRejected(event).hasMessage("type " + EventType.PIPELINERUN_FINISHED.type() + " is not an observation");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/octet-stream"})
    void rejectsDataThatIsNotJson(String contentType) {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.put("datacontenttype", contentType);

        assertRejected(event)
                .hasMessage("data of event cbca9205-e653-43db-98a3-6e1584c4b796/270419726 is " + contentType
                        + ", not JSON");
    }

    @Test
    void rejectsAnEventWithoutData() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove("data");

        assertRejected(event).hasMessage("event cbca9205-e653-43db-98a3-6e1584c4b796/270419726 has no data");
    }

    @Test
    void rejectsAnEventWithNullData() {
        ObjectNode event = sample(EventType.GIT_WEBHOOK_RECEIVED);
        event.putNull("data");

        assertRejected(event).hasMessage("event 88f41318-101a-11ea-99ad-ec7586fcd78e has no data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1, 2]", "\"text\"", "42", "true"})
    void rejectsDataThatIsNotAnObject(String data) {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.set("data", json.readTree(data));

        assertRejected(event)
                .hasMessage("data of event cbca9205-e653-43db-98a3-6e1584c4b796/270419726 is not a JSON object");
    }

    @Test
    void rejectsDataBase64ThatIsNotAnObject() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove("data");
        event.put("data_base64", Base64.getEncoder().encodeToString("[1, 2]".getBytes(StandardCharsets.UTF_8)));

        assertRejected(event)
                .hasMessage("data of event cbca9205-e653-43db-98a3-6e1584c4b796/270419726 is not a JSON object");
    }

    @Test
    void rejectsDataBase64ThatIsNotJson() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove("data");
        event.put("data_base64", Base64.getEncoder().encodeToString("not JSON {".getBytes(StandardCharsets.UTF_8)));

        assertRejected(event)
                .hasMessageStartingWith("data of event cbca9205-e653-43db-98a3-6e1584c4b796/270419726 is not JSON");
    }

    @Test
    void rejectsDataBase64ThatIsNotBase64() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.remove("data");
        event.put("data_base64", "*** not base64 ***");

        assertRejected(event)
                .hasMessageStartingWith("data of event cbca9205-e653-43db-98a3-6e1584c4b796/270419726 is not JSON")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2022-06-15", "2022-06-15T11:09:56", "2022-06-15 11:09:56Z"})
    void rejectsATimeThatIsNotRfc3339(String time) {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        event.put("time", time);

        assertRejected(event)
                .hasMessage("event cbca9205-e653-43db-98a3-6e1584c4b796/270419726 has a time that is not RFC 3339: "
                        + time);
    }

    @ParameterizedTest
    @ValueSource(strings = {"apiVersion", "kind", "metadata.name", "metadata.uid", "metadata.resourceVersion"})
    void rejectsAnAppliedResourceWithoutItsIdentity(String field) {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        remove((ObjectNode) event.path("data"), field);

        assertRejected(event)
                .hasMessageStartingWith(
                        "event cbca9205-e653-43db-98a3-6e1584c4b796/270419726 carries no Kubernetes object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"apiVersion", "kind", "metadata.name", "metadata.uid", "metadata.resourceVersion"})
    void rejectsADeletedResourceWithoutItsIdentity(String field) {
        ObjectNode event = sample(EventType.RESOURCE_DELETED);
        remove((ObjectNode) event.path("data"), field);

        assertRejected(event)
                .hasMessageStartingWith(
                        "event 6c5192c3-d3ed-11e9-8142-42010a840094/3555/deleted carries no Kubernetes" + " object");
    }

    @Test
    void rejectsAResourceWithoutMetadata() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        ((ObjectNode) event.path("data")).remove("metadata");

        assertRejected(event).hasMessageContaining("carries no Kubernetes object");
    }

    @Test
    void rejectsAResourceWithABlankUid() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        ((ObjectNode) event.path("data").path("metadata")).put("uid", "");

        assertRejected(event).hasMessageContaining("carries no Kubernetes object");
    }

    // --- which of two states of one object a batch keeps ---

    @Test
    void keepsTheDeletionOfTwoStatesInABatch() {
        Observation applied = state(ResourceEvents.Action.APPLIED, "20");
        Observation deleted = state(ResourceEvents.Action.DELETED, "10");

        assertKeptEitherWay(deleted, applied);
    }

    @Test
    void keepsTheHigherNumericResourceVersion() {
        Observation older = state(ResourceEvents.Action.APPLIED, "999");
        Observation newer = state(ResourceEvents.Action.APPLIED, "1000");

        // As numbers, not as text ("999" > "1000" as text).
        assertKeptEitherWay(newer, older);
    }

    @Test
    void keepsTheHigherResourceVersionBeyondTheRangeOfALong() {
        Observation older = state(ResourceEvents.Action.APPLIED, "99999999999999999999");
        Observation newer = state(ResourceEvents.Action.APPLIED, "100000000000000000000");

        assertKeptEitherWay(newer, older);
    }

    @Test
    void keepsTheHigherVersionOfTwoDeletions() {
        Observation first = state(ResourceEvents.Action.DELETED, "7");
        Observation second = state(ResourceEvents.Action.DELETED, "30");

        assertKeptEitherWay(second, first);
    }

    @Test
    void keepsTheLaterStateWhenTheVersionsAreNoNumbers() {
        Observation a = state(ResourceEvents.Action.APPLIED, "abc");
        Observation b = state(ResourceEvents.Action.APPLIED, "9");

        assertThat(ObservationIngest.newer(a, b)).isSameAs(b);
        assertThat(ObservationIngest.newer(b, a)).isSameAs(a);
    }

    @Test
    void keepsTheLaterStateWhenAVersionIsNegative() {
        Observation a = state(ResourceEvents.Action.APPLIED, "5");
        Observation b = state(ResourceEvents.Action.APPLIED, "-7");

        assertThat(ObservationIngest.newer(a, b)).isSameAs(b);
        assertThat(ObservationIngest.newer(b, a)).isSameAs(a);
    }

    // --- helpers ---

    /** Which state a batch keeps must not depend on the order the two arrived in. */
    private static void assertKeptEitherWay(Observation kept, Observation other) {
        assertThat(ObservationIngest.newer(kept, other)).isSameAs(kept);
        assertThat(ObservationIngest.newer(other, kept)).isSameAs(kept);
    }

    private ObjectNode sample(EventType type) {
        return (ObjectNode) json.readTree(Catalog.sample(type));
    }

    private Observation parse(ObjectNode event) {
        return Observation.parse(json.writeValueAsBytes(event), json);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(ObjectNode event) {
        return assertRejected(json.writeValueAsBytes(event));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] body) {
        return assertThatThrownBy(() -> Observation.parse(body, json)).isInstanceOf(InvalidObservation.class);
    }

    /** Removes a field given as a dotted path ({@code metadata.uid}). */
    private static void remove(ObjectNode object, String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            assertThat(object.remove(path)).as("the sample has %s", path).isNotNull();
        } else {
            remove((ObjectNode) object.path(path.substring(0, dot)), path.substring(dot + 1));
        }
    }

    /** A state of the fixture pod, as the harvester would send it, at the given resourceVersion. */
    private Observation state(ResourceEvents.Action action, String resourceVersion) {
        ObjectNode pod = Observations.fixture(POD);
        ((ObjectNode) pod.path("metadata")).put("resourceVersion", resourceVersion);
        Observation o = Observation.parse(Observations.message(action, pod).getBody(), json);
        assertThat(o.object().resourceVersion()).isEqualTo(resourceVersion);
        return o;
    }
}
