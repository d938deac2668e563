package io.pipelinelens.standalone;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /}: what is running and where to look. */
@RestController
class OverviewController {

    private final StandalonePlatform platform;

    OverviewController(StandalonePlatform platform) {
        this.platform = platform;
    }

    @GetMapping(path = "/", produces = MediaType.APPLICATION_JSON_VALUE)
    Overview overview() {
        return platform.overview();
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
    String text() {
        return platform.overview().banner();
    }
}
