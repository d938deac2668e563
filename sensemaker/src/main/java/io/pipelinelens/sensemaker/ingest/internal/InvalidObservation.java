package io.pipelinelens.sensemaker.ingest.internal;

/** A message that can never be ingested, however often it is redelivered. */
class InvalidObservation extends RuntimeException {

    InvalidObservation(String reason) {
        super(reason);
    }

    InvalidObservation(String reason, Throwable cause) {
        super(reason + ": " + cause.getMessage(), cause);
    }
}
