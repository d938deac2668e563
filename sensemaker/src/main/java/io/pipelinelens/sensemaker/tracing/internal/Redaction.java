package io.pipelinelens.sensemaker.tracing.internal;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of spans: values whose names look like credentials are replaced. A name is cut
 * into words (at separators and camelCase humps) and judged by its words, so that {@code
 * GIT_TOKEN}, {@code registry-password} and {@code npmAuthSecret} are secrets while {@code author}
 * or {@code monkey} are not.
 */
final class Redaction {

    static final String REDACTED = "[REDACTED]";

    private static final Set<String> SECRET_WORDS = Set.of(
            "token",
            "password",
            "passwd",
            "pwd",
            "secret",
            "key",
            "apikey",
            "credential",
            "credentials",
            "auth",
            "authorization",
            "private",
            "cert",
            "certificate",
            "passphrase");

    private static final Pattern WORD_BREAK = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");

    private Redaction() {}

    static boolean looksSecret(String name) {
        if (name == null) {
            return false;
        }
        for (String word : WORD_BREAK.split(name)) {
            if (SECRET_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    static String value(String name, String value) {
        return looksSecret(name) ? REDACTED : value;
    }
}
