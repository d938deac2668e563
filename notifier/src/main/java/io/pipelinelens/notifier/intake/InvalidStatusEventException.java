package io.pipelinelens.notifier.intake;

/** A record on the status topic that is not a status event we can read; retrying cannot fix it. */
public class InvalidStatusEventException extends RuntimeException {

    public InvalidStatusEventException(String reason, Throwable cause) {
        super(reason, cause);
    }

    public InvalidStatusEventException(String reason) {
        super(reason);
    }
}
