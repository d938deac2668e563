package io.pipelinelens.standalone;

import java.util.LinkedHashMap;
import java.util.Map;

/** What is running and where to look: printed as the banner and served at {@code /}. */
public record Overview(
        long startupMillis,
        Map<String, String> services,
        Map<String, String> infrastructure,
        Map<String, String> whereToLook) {

    public static final Overview STARTING = new Overview(-1, Map.of(), Map.of(), Map.of());

    public String banner() {
        StringBuilder b = new StringBuilder("\n");
        b.append("  Pipeline Lens standalone is up (started in %.1f s)%n".formatted(startupMillis / 1000.0));
        b.append("  Services%n".formatted());
        services.forEach((k, v) -> b.append("    %-12s %s%n".formatted(k, v)));
        b.append("  Infrastructure%n".formatted());
        infrastructure.forEach((k, v) -> b.append("    %-12s %s%n".formatted(k, v)));
        b.append("  Where to look%n".formatted());
        whereToLook.forEach((k, v) -> b.append("    %-14s %s%n".formatted(k, v)));
        b.append("  Ctrl-C stops everything.%n".formatted());
        return b.toString();
    }

    static Map<String, String> ordered() {
        return new LinkedHashMap<>();
    }
}
