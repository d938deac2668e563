package io.pipelinelens.frontend.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.browserless.SpringBrowserlessTest;
import com.vaadin.browserless.ViewPackages;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.badge.BadgeVariant;
import com.vaadin.flow.component.grid.GridTester;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Span;
import io.pipelinelens.frontend.FrontendProperties;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.ContextConfiguration;

/** The view as the router creates it, with its dependencies from a Spring context and a scripted source of runs. */
@ViewPackages(classes = RunsView.class)
@ContextConfiguration(classes = RunsViewTests.Context.class)
class RunsViewTests extends SpringBrowserlessTest {

    private static final FinishedRun SUCCEEDED = new FinishedRun(
            "uid-1",
            "ci",
            "build-42",
            "build",
            "success",
            Instant.parse("2026-11-22T10:15:03Z"),
            Instant.parse("2026-11-22T10:17:08Z"),
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "https://github.com/acme/shop",
            "main",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
            true);

    private static final FinishedRun FAILED_WITHOUT_TRACE = new FinishedRun(
            "uid-2",
            "ci",
            "test-7",
            "test",
            "failure",
            Instant.parse("2026-11-22T09:00:00Z"),
            null,
            null,
            null,
            null,
            null,
            false);

    @Autowired
    private ScriptedRuns runs;

    /** The test environment has already opened the root route; start each test from a clean script. */
    @BeforeEach
    void resetScript() {
        runs.reset();
    }

    @Test
    void showsTheLatestRunsWithTheirDetails() {
        runs.answer(SUCCEEDED);
        RunsView view = open();

        GridTester<?, FinishedRun> grid = test(view.grid);
        assertThat(grid.size()).isEqualTo(1);
        assertThat(text(grid, "pipeline")).isEqualTo("build");
        assertThat(text(grid, "run")).isEqualTo("ci/build-42");
        assertThat(text(grid, "started")).isEqualTo("2026-11-22 11:15:03");
        assertThat(view.grid.getColumnByKey("started").getHeaderText()).isEqualTo("Started (Europe/Berlin)");
        assertThat(text(grid, "duration")).isEqualTo("2m 05s");
        assertThat(text(grid, "repository")).isEqualTo("https://github.com/acme/shop");
        assertThat(text(grid, "branch")).isEqualTo("main");
        assertThat(text(grid, "revision")).isEqualTo("9f8e7d6");
        assertThat(view.unavailable.isVisible()).isFalse();
    }

    @Test
    void asksForTheConfiguredNumberOfRuns() {
        runs.answer();
        open();

        assertThat(runs.limits).containsExactly(25);
    }

    @Test
    void colorsTheResultBadgeByResult() {
        runs.answer(SUCCEEDED, FAILED_WITHOUT_TRACE);
        RunsView view = open();

        GridTester<?, FinishedRun> grid = test(view.grid);
        Badge success = (Badge) grid.getCellComponent(0, "result");
        Badge failure = (Badge) grid.getCellComponent(1, "result");
        assertThat(success.getText()).isEqualTo("success");
        assertThat(success.getThemeNames()).contains(BadgeVariant.SUCCESS.getVariantName());
        assertThat(failure.getText()).isEqualTo("failure");
        assertThat(failure.getThemeNames())
                .contains(BadgeVariant.ERROR.getVariantName())
                .doesNotContain(BadgeVariant.SUCCESS.getVariantName());
    }

    @Test
    void linksEachTracedRunToTheTraceUi() {
        runs.answer(SUCCEEDED, FAILED_WITHOUT_TRACE);
        RunsView view = open();

        GridTester<?, FinishedRun> grid = test(view.grid);
        assertThat(grid.getCellComponent(0, "trace"))
                .isInstanceOfSatisfying(
                        Anchor.class,
                        link -> assertThat(link.getHref())
                                .isEqualTo("http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736"));
        assertThat(grid.getCellComponent(1, "trace"))
                .isInstanceOfSatisfying(
                        Span.class, none -> assertThat(none.getText()).isEqualTo(RunFormat.MISSING));
        assertThat(text(grid, 1, "duration")).isEqualTo(RunFormat.MISSING);
        assertThat(text(grid, 1, "revision")).isEqualTo(RunFormat.MISSING);
    }

    @Test
    void refreshReadsTheRunsAgain() {
        runs.answer(FAILED_WITHOUT_TRACE);
        runs.answer(SUCCEEDED, FAILED_WITHOUT_TRACE);
        RunsView view = open();
        assertThat(test(view.grid).size()).isEqualTo(1);

        test(view.refresh).click();

        GridTester<?, FinishedRun> grid = test(view.grid);
        assertThat(grid.size()).isEqualTo(2);
        assertThat(text(grid, "run")).isEqualTo("ci/build-42");
        assertThat(runs.limits).hasSize(2);
    }

    @Test
    void saysSoWhenTheRunsAreUnavailableAndRecoversOnRefresh() {
        runs.answer(SUCCEEDED);
        runs.fail("The sensemaker at http://localhost:8082 answered 503");
        runs.answer(SUCCEEDED);
        RunsView view = open();

        test(view.refresh).click();

        assertThat(view.unavailable.isVisible()).isTrue();
        assertThat(view.unavailable.getText())
                .contains("unavailable")
                .contains("The sensemaker at http://localhost:8082 answered 503");
        assertThat(test(view.grid).size()).isZero();

        test(view.refresh).click();

        assertThat(view.unavailable.isVisible()).isFalse();
        assertThat(test(view.grid).size()).isEqualTo(1);
    }

    private RunsView open() {
        return navigate(RunsView.class);
    }

    private static String text(GridTester<?, FinishedRun> grid, String column) {
        return text(grid, 0, column);
    }

    private static String text(GridTester<?, FinishedRun> grid, int row, String column) {
        return grid.getCellText(row, grid.getColumnPosition(column));
    }

    /** Plays its script: each read gets the next list of runs or throws the next failure. */
    static final class ScriptedRuns implements RecentRuns {

        private final Deque<Supplier<List<FinishedRun>>> script = new ArrayDeque<>();
        final List<Integer> limits = new ArrayList<>();

        void answer(FinishedRun... runs) {
            script.add(() -> List.of(runs));
        }

        void fail(String message) {
            script.add(() -> {
                throw new RunsUnavailable(message);
            });
        }

        void reset() {
            script.clear();
            limits.clear();
        }

        /** Unscripted reads find no runs. */
        @Override
        public List<FinishedRun> latest(int limit) {
            limits.add(limit);
            Supplier<List<FinishedRun>> next = script.poll();
            return next == null ? List.of() : next.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Context {

        @Bean
        ScriptedRuns recentRuns() {
            return new ScriptedRuns();
        }

        @Bean
        FrontendProperties frontendProperties() {
            return new FrontendProperties(
                    URI.create("http://localhost:8082"),
                    "http://localhost:16686/trace/{traceId}",
                    25,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    ZoneId.of("Europe/Berlin"));
        }
    }
}
