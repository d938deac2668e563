package io.pipelinelens.sensemaker.tracing.internal;

import java.util.List;

/**
 * What correlation knows about one traced thing, derived from its latest state alone.
 *
 * @param parentKeys where its parent may be found, strongest first: {@code uid:…}, {@code name:…}
 *     or a kind-specific key another node publishes in its {@link #keys}; {@code root:…} names a
 *     synthesized root (a git event) that is created on demand. Empty for a root.
 * @param ownRootKey the root key when this node starts a trace itself
 * @param fallbackRootKey where the node goes when its parent never arrives: {@code root:…}, or
 *     null to start its own trace
 * @param keys how children find this node
 */
record NodeFacts(
        String uid,
        String kind,
        String namespace,
        String name,
        String spanId,
        List<String> parentKeys,
        String ownRootKey,
        String fallbackRootKey,
        List<String> keys,
        boolean terminal) {

    static final String ROOT = "root:";

    static String uidKey(String uid) {
        return "uid:" + uid;
    }

    static String nameKey(String kind, String namespace, String name) {
        return "name:" + kind + "/" + namespace + "/" + name;
    }
}
