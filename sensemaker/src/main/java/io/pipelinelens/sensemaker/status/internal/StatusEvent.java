package io.pipelinelens.sensemaker.status.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * One status event ready to go: its Kafka key, its CloudEvent id and type, when the fact happened,
 * and the serialized CloudEvent exactly as it is sent.
 */
record StatusEvent(String key, String id, String type, Instant time, byte[] payload) {

    StatusEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(payload, "payload");
    }
}
