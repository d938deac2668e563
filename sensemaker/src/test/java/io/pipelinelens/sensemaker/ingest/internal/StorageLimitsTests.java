package io.pipelinelens.sensemaker.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipelinelens.contracts.Catalog;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.Limits;
import io.pipelinelens.contracts.WebhookEvents;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What PostgreSQL would refuse for good is refused when a message is parsed, with a reason that
 * says what and where; what fits the contract's limits exactly is accepted.
 */
class StorageLimitsTests {

    private static final String TOO_LONG_KEY = "k".repeat(Limits.MAX_KEY_BYTES + 1);

    private final JsonMapper json = Observation.parser(JsonMapper.builder().build());

    static Stream<Arguments> refused() {
        return Stream.of(
                refused(
                        "an id over the AMQP shortstr",
                        EventType.RESOURCE_APPLIED,
                        e -> e.put("id", "i".repeat(256)),
                        "event id is 256 bytes, more than the 255"),
                refused(
                        "an id of 128 two-byte letters",
                        EventType.RESOURCE_APPLIED,
                        e -> e.put("id", "ä".repeat(128)),
                        "event id is 256 bytes"),
                refused(
                        "a NUL in the id",
                        EventType.GIT_WEBHOOK_RECEIVED,
                        e -> e.put("id", "guid\u0000"),
                        "event id guid? contains the NUL character"),
                refused(
                        "a long kind",
                        EventType.RESOURCE_APPLIED,
                        data(d -> d.put("kind", TOO_LONG_KEY)),
                        "kind is 254 bytes"),
                refused(
                        "a long uid",
                        EventType.RESOURCE_APPLIED,
                        metadata(m -> m.put("uid", TOO_LONG_KEY)),
                        "metadata.uid is 254 bytes"),
                refused(
                        "a long name",
                        EventType.RESOURCE_DELETED,
                        metadata(m -> m.put("name", TOO_LONG_KEY)),
                        "metadata.name is 254 bytes"),
                refused(
                        "a long namespace",
                        EventType.RESOURCE_APPLIED,
                        metadata(m -> m.put("namespace", TOO_LONG_KEY)),
                        "metadata.namespace is 254 bytes"),
                refused(
                        "a long label value",
                        EventType.RESOURCE_APPLIED,
                        metadata(m ->
                                ((ObjectNode) m.path("labels")).put("lighthouse.jenkins-x.io/branch", TOO_LONG_KEY)),
                        "metadata.labels.lighthouse.jenkins-x.io/branch is 254 bytes"),
                refused(
                        "a long owner uid",
                        EventType.RESOURCE_APPLIED,
                        metadata(m -> m.putArray("ownerReferences")
                                .addObject()
                                .put("kind", "LighthouseJob")
                                .put("uid", TOO_LONG_KEY)),
                        "metadata.ownerReferences[0].uid is 254 bytes"),
                refused(
                        "a long name of the object an Event is about",
                        EventType.RESOURCE_APPLIED,
                        data(d -> d.put("apiVersion", "v1")
                                .put("kind", "Event")
                                .putObject("involvedObject")
                                .put("kind", "Pod")
                                .put("name", TOO_LONG_KEY)),
                        "involvedObject.name is 254 bytes"),
                refused(
                        "a long repository name in a GitHub delivery",
                        EventType.GIT_WEBHOOK_RECEIVED,
                        data(d -> ((ObjectNode) d.path("payload"))
                                .putObject("repository")
                                .put("full_name", TOO_LONG_KEY)),
                        "payload.repository.full_name is 254 bytes"),
                refused(
                        "a NUL in a label value",
                        EventType.RESOURCE_APPLIED,
                        metadata(m -> ((ObjectNode) m.path("labels")).put("pipelinelens.io/x", "a\u0000b")),
                        "the NUL character (\\u0000) in data.metadata.labels.pipelinelens.io/x, which PostgreSQL cannot store"),
                refused(
                        "a NUL in a field name",
                        EventType.RESOURCE_APPLIED,
                        metadata(m -> ((ObjectNode) m.path("annotations")).put("a\u0000b", "value")),
                        "the NUL character (\\u0000) in a field name under data.metadata.annotations"),
                refused(
                        "a NUL deep in a webhook payload",
                        EventType.GIT_WEBHOOK_RECEIVED,
                        data(d -> ((ObjectNode) d.path("payload"))
                                .putArray("commits")
                                .addObject()
                                .put("message", "fix\u0000")),
                        "the NUL character (\\u0000) in data.payload.commits[0].message"),
                refused(
                        "an unpaired surrogate in the subject",
                        EventType.RESOURCE_APPLIED,
                        e -> e.put("subject", "Pod/jx/\ud800"),
                        "an unpaired surrogate (\\ud800) in subject"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWhatTheDatabaseCannotStore(String what, EventType type, Consumer<ObjectNode> change, String reason) {
        ObjectNode event = sample(type);
        change.accept(event);

        assertThatThrownBy(() -> Observation.parse(json.writeValueAsBytes(event), json))
                .isInstanceOf(InvalidObservation.class)
                .hasMessageContaining(reason);
    }

    static Stream<Arguments> accepted() {
        String twoByteKey = "ä".repeat((Limits.MAX_KEY_BYTES - 1) / 2) + "a"; // exactly 253 bytes
        return Stream.of(
                accepted("an id of exactly 255 bytes", EventType.RESOURCE_APPLIED, e -> e.put("id", "i".repeat(255))),
                accepted(
                        "a name of exactly 253 bytes",
                        EventType.RESOURCE_APPLIED,
                        metadata(m -> m.put("name", twoByteKey))),
                accepted(
                        "a label value of exactly 253 bytes",
                        EventType.RESOURCE_APPLIED,
                        metadata(m -> ((ObjectNode) m.path("labels")).put("x", "v".repeat(253)))),
                accepted(
                        "an emoji (a surrogate pair)",
                        EventType.GIT_WEBHOOK_RECEIVED,
                        data(d -> ((ObjectNode) d.path("payload")).put("title", "ship it 🚀"))),
                accepted(
                        "a long value the sensemaker does not index",
                        EventType.RESOURCE_APPLIED,
                        metadata(m -> ((ObjectNode) m.path("annotations")).put("note", "n".repeat(100_000)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptsWhatFitsTheLimitsExactly(String what, EventType type, Consumer<ObjectNode> change) {
        ObjectNode event = sample(type);
        change.accept(event);

        Observation o = Observation.parse(json.writeValueAsBytes(event), json);

        assertThat(o.id()).isEqualTo(event.path("id").asString());
    }

    @Test
    void checksTheTextOfDataThatCameAsBase64() {
        ObjectNode event = sample(EventType.RESOURCE_APPLIED);
        ObjectNode data = (ObjectNode) event.remove("data");
        ((ObjectNode) data.path("metadata").path("annotations")).put("note", "\u0000");
        event.put("data_base64", Base64.getEncoder().encodeToString(json.writeValueAsBytes(data)));

        assertThatThrownBy(() -> Observation.parse(json.writeValueAsBytes(event), json))
                .isInstanceOf(InvalidObservation.class)
                .hasMessageContaining("the NUL character (\\u0000) in data.metadata.annotations.note");
    }

    @Test
    void readsAnEventNestedExactlyAsDeepAsTheContractAllows() {
        Observation o = Observation.parse(nested(Limits.MAX_JSON_DEPTH), json);

        assertThat(o.data().path("deep").isArray()).isTrue();
    }

    @Test
    void refusesAnEventNestedOneLevelDeeper() {
        assertThatThrownBy(() -> Observation.parse(nested(Limits.MAX_JSON_DEPTH + 1), json))
                .isInstanceOf(InvalidObservation.class)
                .hasMessageStartingWith("the event is beyond what the sensemaker reads")
                .hasMessageContaining("nesting depth");
    }

    @Test
    void boundsTheDepthWhateverTheApplicationsMapperAllows() {
        JsonMapper lenient = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(5_000)
                                .build())
                        .build())
                .build();

        JsonMapper parser = Observation.parser(lenient);

        assertThat(parser.tokenStreamFactory().streamReadConstraints().getMaxNestingDepth())
                .isEqualTo(Limits.MAX_JSON_DEPTH);
        assertThatThrownBy(() -> Observation.parse(nested(Limits.MAX_JSON_DEPTH + 1), parser))
                .isInstanceOf(InvalidObservation.class);
    }

    @Test
    void theContractsDepthIsWhatJacksonReadsByDefault() {
        // Where the bound comes from: a webhook the harvester accepts is one the sensemaker can read.
        assertThat(StreamReadConstraints.defaults().getMaxNestingDepth()).isEqualTo(Limits.MAX_JSON_DEPTH);
        assertThat(WebhookEvents.MAX_PAYLOAD_DEPTH).isEqualTo(Limits.MAX_JSON_DEPTH - 2);
    }

    /** The resource sample with a {@code deep} array in its data, so that the event nests {@code depth} levels. */
    private byte[] nested(int depth) {
        String event = json.writeValueAsString(sample(EventType.RESOURCE_APPLIED));
        String deep = "[".repeat(depth - 2) + "]".repeat(depth - 2);
        int data = event.indexOf("\"data\":{") + "\"data\":{".length();
        return (event.substring(0, data) + "\"deep\":" + deep + "," + event.substring(data))
                .getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode sample(EventType type) {
        return (ObjectNode) json.readTree(Catalog.sample(type));
    }

    private static Arguments refused(String what, EventType type, Consumer<ObjectNode> change, String reason) {
        return Arguments.of(what, type, change, reason);
    }

    private static Arguments accepted(String what, EventType type, Consumer<ObjectNode> change) {
        return Arguments.of(what, type, change);
    }

    private static Consumer<ObjectNode> data(Consumer<ObjectNode> change) {
        return event -> change.accept((ObjectNode) event.path("data"));
    }

    private static Consumer<ObjectNode> metadata(Consumer<ObjectNode> change) {
        return event -> change.accept((ObjectNode) event.path("data").path("metadata"));
    }
}
