package io.pipelinelens.sensemaker.api.internal;

import io.pipelinelens.sensemaker.tracing.RunSummary;
import io.pipelinelens.sensemaker.tracing.Runs;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class RunsController {

    private final Runs runs;

    RunsController(Runs runs) {
        this.runs = runs;
    }

    /** The most recently finished runs, newest first. */
    @GetMapping("/api/runs")
    List<RunSummary> recent(@RequestParam(defaultValue = "50") int limit) {
        return runs.recent(limit);
    }
}
