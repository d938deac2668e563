package io.pipelinelens.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusEventsTests {

    @Test
    void idIsTheSubjectUidAndTheType() {
        assertThat(StatusEvents.id("cbca9205", EventType.PIPELINERUN_FINISHED))
                .isEqualTo("cbca9205/dev.cdevents.pipelinerun.finished.0.3.0");
    }

    @Test
    void theSameRunReachingAnotherStateGetsAnotherId() {
        assertThat(StatusEvents.id("cbca9205", EventType.PIPELINERUN_STARTED))
                .isNotEqualTo(StatusEvents.id("cbca9205", EventType.PIPELINERUN_FINISHED));
        assertThat(StatusEvents.id("cbca9205", EventType.PIPELINE_BROKEN))
                .isEqualTo(StatusEvents.id("cbca9205", EventType.PIPELINE_BROKEN));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " "})
    void everyRuleRejectsBlankArguments(String blank) {
        assertThatThrownBy(() -> StatusEvents.id(blank, EventType.TRACE_READY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subjectUid");
        assertThatThrownBy(() -> StatusEvents.source(blank))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster");
        assertThatThrownBy(() -> StatusEvents.key(blank, "lint"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> StatusEvents.key("jx", blank))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipeline");
    }

    @Test
    void sourceNamesTheSensemakerOfACluster() {
        assertThat(StatusEvents.source("ci")).isEqualTo("/sensemaker/ci");
    }

    @Test
    void keyKeepsOnePipelineOnOnePartition() {
        assertThat(StatusEvents.key("jx", "jenkins-x-plugins/jx-registry/lint"))
                .isEqualTo("jx/jenkins-x-plugins/jx-registry/lint");
    }

    @Test
    void everyStatusTypeTravelsOnTheStatusChannel() {
        for (EventType type : EventType.values()) {
            boolean observation = type.type().startsWith("io.pipelinelens.resource.")
                    || type.type().startsWith("io.pipelinelens.git.");
            assertThat(type.channel()).as(type.name()).isEqualTo(observation ? Channel.OBSERVATIONS : Channel.STATUS);
        }
        assertThat(Channel.STATUS.defaultName()).isEqualTo("pipeline-lens.status");
        assertThat(Channel.OBSERVATIONS.defaultName()).isEqualTo("pipeline-lens.observations");
    }
}
