package io.pipelinelens.frontend.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.badge.BadgeVariant;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class RunFormatTests {

    private static FinishedRun run(Instant startedAt, Instant completedAt, String traceId) {
        return new FinishedRun(
                "uid", "ci", "build-1", "build", "success", startedAt, completedAt, traceId, null, null, null, false);
    }

    @Test
    void writesDurationsInTheLargestSensibleUnits() {
        assertThat(RunFormat.duration(Duration.ofMillis(900))).isEqualTo("0s");
        assertThat(RunFormat.duration(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(RunFormat.duration(Duration.ofSeconds(65))).isEqualTo("1m 05s");
        assertThat(RunFormat.duration(Duration.ofSeconds(2 * 3600 + 3 * 60 + 59)))
                .isEqualTo("2h 03m");
    }

    @Test
    void hasNoDurationWithoutBothEndsOrWhenTheClockWentBackwards() {
        RunFormat format = new RunFormat(ZoneId.of("UTC"), "");
        Instant start = Instant.parse("2026-11-22T10:00:00Z");

        assertThat(format.duration(run(start, null, null))).isEqualTo(RunFormat.MISSING);
        assertThat(format.duration(run(null, start, null))).isEqualTo(RunFormat.MISSING);
        assertThat(format.duration(run(start, start.minusSeconds(1), null))).isEqualTo(RunFormat.MISSING);
        assertThat(format.duration(run(start, start.plusSeconds(61), null))).isEqualTo("1m 01s");
    }

    @Test
    void shortensRevisionsToSevenCharacters() {
        assertThat(RunFormat.shortRevision("9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"))
                .isEqualTo("9f8e7d6");
        assertThat(RunFormat.shortRevision("v1.2")).isEqualTo("v1.2");
        assertThat(RunFormat.shortRevision(" ")).isEqualTo(RunFormat.MISSING);
        assertThat(RunFormat.shortRevision(null)).isEqualTo(RunFormat.MISSING);
    }

    @Test
    void fillsTheTraceIdIntoTheTemplate() {
        RunFormat format = new RunFormat(ZoneId.of("UTC"), "https://tempo.example/explore?trace={traceId}&x=1");

        assertThat(format.traceUrl(run(null, null, "abc123")))
                .contains("https://tempo.example/explore?trace=abc123&x=1");
        assertThat(format.traceUrl(run(null, null, null))).isEmpty();
    }

    @Test
    void linksNoTraceWithoutATemplate() {
        assertThat(new RunFormat(ZoneId.of("UTC"), " ").traceUrl(run(null, null, "abc123")))
                .isEmpty();
        assertThat(new RunFormat(ZoneId.of("UTC"), null).traceUrl(run(null, null, "abc123")))
                .isEmpty();
    }

    @Test
    void mapsEachPipelineResultToABadgeColor() {
        assertThat(RunFormat.resultVariant("success")).contains(BadgeVariant.SUCCESS);
        assertThat(RunFormat.resultVariant("failure")).contains(BadgeVariant.ERROR);
        assertThat(RunFormat.resultVariant("error")).contains(BadgeVariant.ERROR);
        assertThat(RunFormat.resultVariant("timeout")).contains(BadgeVariant.WARNING);
        assertThat(RunFormat.resultVariant("cancellation")).contains(BadgeVariant.CONTRAST);
        assertThat(RunFormat.resultVariant("skip")).contains(BadgeVariant.CONTRAST);
        assertThat(RunFormat.resultVariant("something-new")).isEmpty();
        assertThat(RunFormat.resultVariant(null)).isEmpty();
    }
}
