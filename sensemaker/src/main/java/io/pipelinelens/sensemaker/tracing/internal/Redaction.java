package io.pipelinelens.sensemaker.tracing.internal;

import java.util.regex.Pattern;

/** Keeps secrets out of spans: values whose names look like credentials are replaced. */
final class Redaction {

    static final String REDACTED = "[REDACTED]";

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(token|passw(or)?d|secret|key|credential|auth|private|cert).*");

    private Redaction() {}

    static boolean looksSecret(String name) {
        return name != null && SECRET_NAME.matcher(name).matches();
    }

    static String value(String name, String value) {
        return looksSecret(name) ? REDACTED : value;
    }
}
