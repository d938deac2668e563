package io.pipelinelens.frontend.runs;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AnchorTarget;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.theme.lumo.LumoUtility;
import io.pipelinelens.frontend.FrontendProperties;
import java.util.List;

/**
 * The most recently finished pipeline runs, refreshed on demand.
 *
 * <p>Reads through {@link RecentRuns}, today the sensemaker's internal REST endpoint; the view moves
 * to the sensemaker's GraphQL API once it serves one (only the adapter changes).
 */
@Route("")
@PageTitle("Runs · Pipeline Lens")
public class RunsView extends VerticalLayout implements BeforeEnterObserver {

    final Grid<FinishedRun> grid = new Grid<>(FinishedRun.class, false);
    final Button refresh = new Button("Refresh", VaadinIcon.REFRESH.create());
    final Span unavailable = new Span();

    private final RecentRuns recentRuns;
    private final int pageSize;
    private final RunFormat format;

    public RunsView(RecentRuns recentRuns, FrontendProperties properties) {
        this.recentRuns = recentRuns;
        this.pageSize = properties.pageSize();
        this.format = new RunFormat(properties.zone(), properties.traceUrlTemplate());

        setSizeFull();
        H2 title = new H2("Recently finished runs");
        HorizontalLayout header = new HorizontalLayout(title, refresh);
        header.setWidthFull();
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        header.setJustifyContentMode(FlexComponent.JustifyContentMode.BETWEEN);
        refresh.addClickListener(click -> refresh());

        unavailable.addClassNames(LumoUtility.TextColor.ERROR);
        unavailable.setVisible(false);

        configureGrid();
        add(header, unavailable, grid);
    }

    /** Every visit shows current runs, also when the router reuses this view. */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        refresh();
    }

    private void configureGrid() {
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setEmptyStateText("No finished runs yet.");
        grid.setSizeFull();
        grid.addColumn(run -> RunFormat.orMissing(run.pipeline()))
                .setHeader("Pipeline")
                .setKey("pipeline")
                .setAutoWidth(true);
        grid.addColumn(RunFormat::runName).setHeader("Run").setKey("run").setAutoWidth(true);
        grid.addComponentColumn(this::resultBadge)
                .setHeader("Result")
                .setKey("result")
                .setAutoWidth(true);
        grid.addColumn(format::started)
                .setHeader("Started (" + format.zoneLabel() + ")")
                .setKey("started")
                .setAutoWidth(true);
        grid.addColumn(format::duration)
                .setHeader("Duration")
                .setKey("duration")
                .setAutoWidth(true);
        grid.addColumn(run -> RunFormat.orMissing(run.repository()))
                .setHeader("Repository")
                .setKey("repository")
                .setAutoWidth(true);
        grid.addColumn(run -> RunFormat.orMissing(run.branch()))
                .setHeader("Branch")
                .setKey("branch")
                .setAutoWidth(true);
        grid.addColumn(run -> RunFormat.shortRevision(run.revision()))
                .setHeader("Revision")
                .setKey("revision")
                .setAutoWidth(true);
        grid.addComponentColumn(this::traceLink)
                .setHeader("Trace")
                .setKey("trace")
                .setAutoWidth(true);
    }

    /** Reads the runs again; when they cannot be read, says so instead of showing stale rows. */
    void refresh() {
        try {
            List<FinishedRun> runs = recentRuns.latest(pageSize);
            grid.setItems(runs);
            unavailable.setVisible(false);
            unavailable.setText("");
        } catch (RunsUnavailable e) {
            grid.setItems(List.of());
            unavailable.setText("Runs are unavailable right now: " + e.getMessage() + ". Try Refresh again.");
            unavailable.setVisible(true);
        }
    }

    private Component resultBadge(FinishedRun run) {
        Badge badge = new Badge(RunFormat.orMissing(run.result()));
        RunFormat.resultVariant(run.result()).ifPresent(badge::addThemeVariants);
        return badge;
    }

    private Component traceLink(FinishedRun run) {
        return format.traceUrl(run)
                .<Component>map(url -> new Anchor(url, "Open trace", AnchorTarget.BLANK))
                .orElseGet(() -> new Span(RunFormat.MISSING));
    }
}
