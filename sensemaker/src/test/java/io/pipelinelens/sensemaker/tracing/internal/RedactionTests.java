package io.pipelinelens.sensemaker.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTests {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GIT_TOKEN",
                "registry-password",
                "npmAuthSecret",
                "accessKeyId",
                "ssh-private-key",
                "API_KEY",
                "apikey",
                "tlsCert",
                "DOCKER_CONFIG_PASSWD",
                "githubToken"
            })
    void redactsValuesWhoseNamesLookLikeCredentials(String name) {
        assertThat(Redaction.value(name, "s3cr3t")).isEqualTo(Redaction.REDACTED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"author", "AUTHOR_NAME", "monkey", "PULL_NUMBER", "REPO_URL", "keyboardLayout", "tokenizer"})
    void keepsValuesWhoseNamesOnlyContainSuchLetters(String name) {
        assertThat(Redaction.value(name, "visible")).isEqualTo("visible");
    }
}
