package io.pipelinelens.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared fixtures ({@code ../shared/fixtures} beside the repository, or the directory named by
 * the {@code pipelinelens.fixtures} system property). Missing fixtures fail the test loudly.
 */
public final class Fixtures {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Fixtures() {}

    public static Path root() {
        String configured = System.getProperty("pipelinelens.fixtures");
        if (configured != null && Files.isDirectory(Paths.get(configured))) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            Path sibling = dir.resolveSibling("shared").resolve("fixtures");
            if (Files.isDirectory(sibling)) {
                return sibling;
            }
        }
        throw new IllegalStateException(
                "Fixtures not found: expected ../shared/fixtures beside the repository or -Dpipelinelens.fixtures=<dir>");
    }

    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("No fixture " + p);
        }
        return p;
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A YAML or JSON fixture as a JSON tree (YAML comments and provenance headers are dropped). */
    public static JsonNode tree(String relative) {
        return JSON.valueToTree(load(relative));
    }

    /**
     * The Kubernetes objects in a fixture: the object itself, or the {@code items} of a {@code
     * List}.
     */
    public static List<JsonNode> objects(String relative) {
        JsonNode node = tree(relative);
        if (node.has("items") && node.get("items").isArray()) {
            return node.get("items").valueStream().toList();
        }
        return List.of(node);
    }

    /** Relative paths of every fixture file under {@code folder} with one of the given extensions. */
    public static List<String> list(String folder, String... extensions) {
        try (Stream<Path> files = Files.list(root().resolve(folder))) {
            return files.filter(f -> extensions.length == 0
                            || Stream.of(extensions).anyMatch(e -> f.toString().endsWith(e)))
                    .map(f -> root().relativize(f).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object load(String relative) {
        String text;
        try {
            text = Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (relative.endsWith(".json")) {
            return JSON.readValue(text, Map.class);
        }
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(16 * 1024 * 1024);
        // Timestamps stay strings, as the Kubernetes API serves them.
        return new Yaml(new SafeConstructor(options) {
                    {
                        this.yamlConstructors.put(
                                org.yaml.snakeyaml.nodes.Tag.TIMESTAMP,
                                this.yamlConstructors.get(org.yaml.snakeyaml.nodes.Tag.STR));
                    }
                })
                .load(text);
    }
}
