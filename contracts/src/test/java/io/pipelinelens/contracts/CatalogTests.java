package io.pipelinelens.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Every type in the catalog has a schema and a sample, and the samples obey the envelope, the schemas and the identity rules. */
class CatalogTests {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyTypeHasASchemaAndASampleOnTheClasspath(EventType type) {
        assertThat(Catalog.schema(type)).contains("https://json-schema.org/draft/2020-12/schema");
        assertThat(CatalogSchemas.sample(type).path("type").asString()).isEqualTo(type.type());
        assertThat(EventType.of(type.type())).contains(type);
    }

    @Test
    void aMissingResourceFailsLoudly() {
        assertThatThrownBy(() -> Catalog.read("catalog/samples/no.such.type.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no.such.type");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everySampleIsAValidStructuredModeEnvelope(EventType type) {
        JsonNode sample = CatalogSchemas.sample(type);

        assertThat(CatalogSchemas.errors(CatalogSchemas.envelope(), sample)).isEmpty();
        assertThat(sample.path("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(sample.path("time").isString()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everySampleDataSatisfiesTheSchemaOfItsType(EventType type) {
        JsonNode data = CatalogSchemas.sample(type).path("data");

        assertThat(data.isObject()).isTrue();
        assertThat(CatalogSchemas.errors(CatalogSchemas.of(type), data)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everySampleRoundTripsThroughTheCloudEventsJsonFormat(EventType type) {
        EventFormat format = new JsonFormat();
        byte[] original = Catalog.sample(type).getBytes(StandardCharsets.UTF_8);

        CloudEvent first = format.deserialize(original);
        CloudEvent second = format.deserialize(format.serialize(first));

        assertThat(second).isEqualTo(first);
        assertThat(second.getId())
                .isEqualTo(CatalogSchemas.sample(type).path("id").asString());
        assertThat(second.getType()).isEqualTo(type.type());
        assertThat(CatalogSchemas.JSON.readTree(second.getData().toBytes()))
                .isEqualTo(CatalogSchemas.sample(type).path("data"));
    }

    @Test
    void sampleIdsAreUnique() {
        Set<String> ids = new HashSet<>();
        for (EventType type : EventType.values()) {
            assertThat(ids.add(CatalogSchemas.sample(type).path("id").asString()))
                    .as("id of %s", type)
                    .isTrue();
        }
    }

    @Test
    void theEnvelopeRejectsWhatTheCloudEventsSpecForbids() {
        ObjectNode valid = (ObjectNode) CatalogSchemas.sample(EventType.RESOURCE_APPLIED);
        assertThat(CatalogSchemas.errors(CatalogSchemas.envelope(), valid)).isEmpty();

        assertThat(rejected(valid.deepCopy().put("specversion", "0.3"))).isTrue();
        assertThat(rejected(valid.deepCopy().put("id", ""))).isTrue();
        assertThat(rejected(without(valid, "source"))).isTrue();
        assertThat(rejected(without(valid, "type"))).isTrue();
        assertThat(rejected(valid.deepCopy().put("time", "yesterday"))).isTrue();
        assertThat(rejected(valid.deepCopy().put("pltrimmed", "true"))).isTrue();
        assertThat(rejected(valid.deepCopy().put("plTrimmed", true))).isTrue();
        assertThat(rejected(valid.deepCopy().put("pl-trimmed", true))).isTrue();
        assertThat(rejected(valid.deepCopy().put("data_base64", "e30="))).isTrue();

        assertThat(rejected(valid.deepCopy().put("pltrimmed", true))).isFalse();
        assertThat(rejected(
                        valid.deepCopy().put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")))
                .isFalse();
        assertThat(rejected(without(without(valid, "subject"), "time"))).isFalse();
    }

    private static boolean rejected(JsonNode event) {
        return !CatalogSchemas.errors(CatalogSchemas.envelope(), event).isEmpty();
    }

    private static ObjectNode without(JsonNode node, String field) {
        ObjectNode copy = (ObjectNode) node.deepCopy();
        copy.remove(field);
        return copy;
    }
}
