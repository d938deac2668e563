package io.pipelinelens.sensemaker.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CorrelationKeyTests {

    static Stream<Arguments> everyKindOfKey() {
        return Stream.of(
                Arguments.of(new CorrelationKey.Uid("0b1d-uid"), CorrelationKey.Strength.IDENTITY),
                Arguments.of(new CorrelationKey.Name("PipelineRun", "jx", "release-42"), CorrelationKey.Strength.NAME),
                Arguments.of(new CorrelationKey.Name("LighthouseJob", "jx", "a/b"), CorrelationKey.Strength.NAME),
                Arguments.of(
                        new CorrelationKey.LighthouseBuild("jx", "org", "repo", "feature/x/y", "pr-build", "7"),
                        CorrelationKey.Strength.LABELS),
                Arguments.of(
                        new CorrelationKey.ActivityBuild("jx", "org", "repo", "release/1.2", "12"),
                        CorrelationKey.Strength.LABELS),
                Arguments.of(
                        new CorrelationKey.GitEvent("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
                        CorrelationKey.Strength.ROOT),
                Arguments.of(new CorrelationKey.TriggersEvent("ev-1"), CorrelationKey.Strength.ROOT));
    }

    @ParameterizedTest
    @MethodSource("everyKindOfKey")
    void aKeyReadsBackFromItsStoredFormWithItsStrength(CorrelationKey key, CorrelationKey.Strength strength) {
        assertThat(CorrelationKey.parse(key.encoded())).isEqualTo(key);
        assertThat(key.strength()).isEqualTo(strength);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "uid", "nope:x", "name:PipelineRun/jx", "lighthouse:jx/org/repo/main/7", "root:other:x"})
    void somethingThatIsNoKeyIsRefused(String encoded) {
        assertThatThrownBy(() -> CorrelationKey.parse(encoded)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"LABELS"})
    void onlyLabelKeysAreWeakEnoughToBeSharedBySiblings(String weak) {
        for (CorrelationKey.Strength strength : CorrelationKey.Strength.values()) {
            assertThat(strength.exact()).isEqualTo(!strength.name().equals(weak));
        }
        assertThat(CorrelationKey.Strength.IDENTITY).isLessThan(CorrelationKey.Strength.NAME);
        assertThat(CorrelationKey.Strength.NAME).isLessThan(CorrelationKey.Strength.LABELS);
    }
}
