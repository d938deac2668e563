package io.pipelinelens.standalone.lookout;

import java.time.Instant;

/** One webhook the notifier delivered to the built-in sink, with what its CloudEvent said. */
public record ReceivedNotification(
        Instant receivedAt, String type, String subject, String id, boolean signatureValid, String body) {}
