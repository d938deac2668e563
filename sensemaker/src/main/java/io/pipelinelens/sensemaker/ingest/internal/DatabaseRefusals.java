package io.pipelinelens.sensemaker.ingest.internal;

import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * Tells a refusal that depends on the data alone, which no redelivery changes, from a failure that
 * may pass. By SQLSTATE, not by Spring's exception type: Spring translates class 54 (program limit
 * exceeded, e.g. an index row that is too large) to a resource failure, which reads as transient.
 */
final class DatabaseRefusals {

    /** Data exception, integrity constraint violation, program limit exceeded. */
    private static final Set<String> PERMANENT_CLASSES = Set.of("22", "23", "54");

    private DatabaseRefusals() {}

    /** The refusal for good somewhere in the causes, or empty when the failure may pass. */
    static Optional<SQLException> permanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().length() == 5
                    && PERMANENT_CLASSES.contains(sql.getSQLState().substring(0, 2))) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    /** {@code the database refuses it (SQLSTATE 54000): index row requires …}: its state and first line. */
    static String reason(SQLException refusal) {
        String message =
                String.valueOf(refusal.getMessage()).lines().findFirst().orElse("");
        if (message.startsWith("ERROR: ")) {
            message = message.substring("ERROR: ".length());
        }
        return "the database refuses it (SQLSTATE " + refusal.getSQLState() + "): " + message;
    }
}
