package io.pipelinelens.standalone.launcher;

import org.springframework.context.ConfigurableApplicationContext;

/** One started service: its Spring context and the port its web server actually bound. */
public record RunningService(Service service, ConfigurableApplicationContext context, int port) {

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
