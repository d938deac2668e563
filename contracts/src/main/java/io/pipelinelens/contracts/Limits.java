package io.pipelinelens.contracts;

import java.util.Optional;

/**
 * What an observation must fit to be stored at all. The harvester refuses a webhook outside these
 * bounds at the door (400) and the sensemaker parks any observation outside them with the reason,
 * so both edges agree on what can never be stored: anything within them can.
 */
public final class Limits {

    /**
     * Event ids, in UTF-8 bytes. The id travels as the AMQP {@code message-id}, a shortstr of at
     * most 255 bytes, and is the sensemaker's primary key.
     */
    public static final int MAX_ID_BYTES = 255;

    /**
     * Names the sensemaker indexes, in UTF-8 bytes: an object's uid, name, namespace and kind, its
     * label values, the uid, kind and name of its ownerReferences and of an Event's involvedObject,
     * a GitHub repository's full name. Several of them make up one index entry (kind, namespace and
     * name; a Lighthouse build key of five), and PostgreSQL refuses an entry over 2,704 bytes; 253
     * is Kubernetes' own limit for names (it allows 63 for namespaces and label values).
     */
    public static final int MAX_KEY_BYTES = 253;

    /**
     * JSON nesting depth of a whole CloudEvent (the envelope is level 1): what the sensemaker's
     * parser reads, Jackson 3's default {@code StreamReadConstraints.getMaxNestingDepth()}.
     */
    public static final int MAX_JSON_DEPTH = 500;

    private Limits() {}

    /** Length of text in UTF-8, without encoding it. */
    public static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3; // a lone surrogate is encoded as '?', but counting it as 3 errs on the safe side
            }
        }
        return bytes;
    }

    /**
     * Why PostgreSQL cannot store this text as it is, or empty when it can: {@code text} and
     * {@code jsonb} hold no NUL character, and UTF-8 has no encoding for half a surrogate pair.
     */
    public static Optional<String> unstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return Optional.of("the NUL character (\\u0000)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(String.format("an unpaired surrogate (\\u%04x)", (int) c));
            }
        }
        return Optional.empty();
    }

    /** Whether an id fits {@link #MAX_ID_BYTES}. */
    public static boolean fitsId(String id) {
        return utf8Length(id) <= MAX_ID_BYTES;
    }

    /** Whether a name fits {@link #MAX_KEY_BYTES}. */
    public static boolean fitsKey(String key) {
        return utf8Length(key) <= MAX_KEY_BYTES;
    }

    /**
     * A value fit for a log line or a reason: at most {@code max} characters, marked when cut, with
     * control characters shown as {@code ?} so that a value cannot forge log lines.
     */
    public static String printable(String value, int max) {
        String cut = value;
        if (value.length() > max) {
            int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
            cut = value.substring(0, end) + "…";
        }
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
