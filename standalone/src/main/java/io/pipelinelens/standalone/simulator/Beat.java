package io.pipelinelens.standalone.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * One thing that happens in a simulated run at a moment: a webhook arrives, or a controller writes
 * an object. Object values may hold {@code {{uid:<key>}}} placeholders for uids the API server
 * assigns only when the referenced object is created.
 */
public record Beat(Instant at, Action action, String key, Map<String, Object> object) {

    public enum Action {
        /** The git provider delivers the webhook that starts the run. */
        WEBHOOK,
        /** A controller creates the object; the uid it gets is remembered under the key. */
        CREATE,
        /** A controller replaces the object's spec / status (objects without a status subresource). */
        UPDATE,
        /** A controller writes the object's status subresource. */
        UPDATE_STATUS
    }

    public String kind() {
        return object == null ? null : Tree.string(object, "kind");
    }

    public String name() {
        return object == null ? null : Tree.string(object, "metadata", "name");
    }
}
