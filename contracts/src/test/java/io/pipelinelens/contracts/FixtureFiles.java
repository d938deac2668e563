package io.pipelinelens.contracts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import tools.jackson.databind.JsonNode;

/**
 * The shared fixtures, from the directory in the {@code pipelinelens.fixtures} system property
 * (surefire sets it). contracts cannot depend on test-support, so this is its own small reader.
 */
final class FixtureFiles {

    private FixtureFiles() {}

    static Path root() {
        String configured = System.getProperty("pipelinelens.fixtures");
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("System property pipelinelens.fixtures is not set (surefire sets it)");
        }
        Path root = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("pipelinelens.fixtures=" + root + " is not a directory");
        }
        return root;
    }

    /** Fixture files in {@code folder} whose names pass {@code filter}, as paths relative to the root; never empty. */
    static List<String> list(String folder, Predicate<String> filter) {
        try (Stream<Path> files = Files.list(root().resolve(folder))) {
            List<String> found = files.map(f -> f.getFileName().toString())
                    .filter(filter)
                    .sorted()
                    .map(name -> folder + "/" + name)
                    .toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("No fixtures in " + folder);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String relative) {
        try {
            return Files.readString(root().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String relative) {
        return CatalogSchemas.JSON.readTree(text(relative));
    }

    /**
     * Every YAML document of the file, with the items of a {@code List} expanded. Timestamps stay
     * strings, as the Kubernetes API serves them.
     */
    static List<JsonNode> kubernetesObjects(String relative) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(16 * 1024 * 1024);
        Yaml yaml = new Yaml(new SafeConstructor(options) {
            {
                this.yamlConstructors.put(Tag.TIMESTAMP, this.yamlConstructors.get(Tag.STR));
            }
        });
        List<JsonNode> objects = new ArrayList<>();
        for (Object document : yaml.loadAll(text(relative))) {
            if (document == null) {
                continue;
            }
            JsonNode node = CatalogSchemas.JSON.valueToTree(document);
            if (node.path("kind").asString("").equals("List")
                    && node.path("items").isArray()) {
                node.path("items").forEach(objects::add);
            } else {
                objects.add(node);
            }
        }
        return objects;
    }
}
