package io.pipelinelens.frontend.runs;

import com.vaadin.flow.component.badge.BadgeVariant;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** How a run's values read on screen; kept apart from the view so it is testable on its own. */
final class RunFormat {

    static final String MISSING = "—";

    private static final int SHORT_SHA = 7;

    private final ZoneId zone;
    private final DateTimeFormatter timestamps;
    private final String traceUrlTemplate;

    RunFormat(ZoneId zone, String traceUrlTemplate) {
        this.zone = zone;
        this.timestamps = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone);
        this.traceUrlTemplate = traceUrlTemplate;
    }

    String zoneLabel() {
        return zone.getId();
    }

    String started(FinishedRun run) {
        Instant startedAt = run.startedAt();
        return startedAt == null ? MISSING : timestamps.format(startedAt);
    }

    String duration(FinishedRun run) {
        return run.duration().map(RunFormat::duration).orElse(MISSING);
    }

    static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return "%dm %02ds".formatted(seconds / 60, seconds % 60);
        }
        return "%dh %02dm".formatted(seconds / 3600, (seconds % 3600) / 60);
    }

    static String runName(FinishedRun run) {
        return orMissing(run.namespace()) + "/" + orMissing(run.name());
    }

    static String shortRevision(String revision) {
        if (revision == null || revision.isBlank()) {
            return MISSING;
        }
        return revision.length() <= SHORT_SHA ? revision : revision.substring(0, SHORT_SHA);
    }

    /** The trace UI's page for the run's trace; none without a trace id or a template. */
    Optional<String> traceUrl(FinishedRun run) {
        if (run.traceId() == null
                || run.traceId().isBlank()
                || traceUrlTemplate == null
                || traceUrlTemplate.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(traceUrlTemplate.replace("{traceId}", run.traceId()));
    }

    /** Success reads green, failing results red, a timeout amber, the rest neutral. */
    static Optional<BadgeVariant> resultVariant(String result) {
        if (result == null) {
            return Optional.empty();
        }
        return switch (result) {
            case "success" -> Optional.of(BadgeVariant.SUCCESS);
            case "failure", "error" -> Optional.of(BadgeVariant.ERROR);
            case "timeout" -> Optional.of(BadgeVariant.WARNING);
            case "cancellation", "skip" -> Optional.of(BadgeVariant.CONTRAST);
            default -> Optional.empty();
        };
    }

    static String orMissing(String value) {
        return value == null || value.isBlank() ? MISSING : value;
    }
}
