package io.pipelinelens.frontend.runs;

/** The runs cannot be read right now; the message says why, in words an operator can act on. */
public class RunsUnavailable extends RuntimeException {

    public RunsUnavailable(String message) {
        super(message);
    }

    public RunsUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
