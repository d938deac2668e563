package io.pipelinelens.contracts;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The catalog's schemas, loaded from the classpath exactly as consumers get them. */
final class CatalogSchemas {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

    private CatalogSchemas() {}

    static Schema envelope() {
        return load(Catalog.ENVELOPE_SCHEMA);
    }

    static Schema of(EventType type) {
        return load(type.schemaResource());
    }

    static Schema load(String resource) {
        return CACHE.computeIfAbsent(resource, r -> {
            try (InputStream in = Catalog.open(r)) {
                return REGISTRY.getSchema(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Violations of {@code schema} by {@code node}, with {@code format} asserted (date-time, uri). */
    static List<String> errors(Schema schema, JsonNode node) {
        return schema.validate(node, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true))).stream()
                .map(Error::toString)
                .toList();
    }

    static JsonNode sample(EventType type) {
        return JSON.readTree(Catalog.sample(type));
    }
}
