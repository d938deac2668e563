package io.pipelinelens.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the catalog's JSON Schemas and samples from the classpath, so that producers and consumers
 * test against the very files this module ships. Plain strings and streams: the module stays free
 * of runtime dependencies, callers parse with whatever JSON library they use.
 */
public final class Catalog {

    /** Classpath location of the JSON Schema of the structured-mode CloudEvent envelope. */
    public static final String ENVELOPE_SCHEMA = "catalog/schemas/cloudevent.schema.json";

    /** Media type of a structured-mode CloudEvent in JSON. */
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

    private Catalog() {}

    /** The JSON Schema of the envelope. */
    public static String envelopeSchema() {
        return read(ENVELOPE_SCHEMA);
    }

    /** The JSON Schema that the {@code data} of {@code type} satisfies. */
    public static String schema(EventType type) {
        return read(type.schemaResource());
    }

    /** A complete structured-mode CloudEvent of {@code type}. */
    public static String sample(EventType type) {
        return read(type.sampleResource());
    }

    /** A catalog resource as UTF-8 text; fails if it does not exist. */
    public static String read(String resource) {
        try (InputStream in = open(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read catalog resource " + resource, e);
        }
    }

    /** A catalog resource as a stream the caller closes; fails if it does not exist. */
    public static InputStream open(String resource) {
        InputStream in = Catalog.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalArgumentException("No catalog resource " + resource);
        }
        return in;
    }
}
