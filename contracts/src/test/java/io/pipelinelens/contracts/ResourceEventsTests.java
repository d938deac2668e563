package io.pipelinelens.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipelinelens.contracts.ResourceEvents.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceEventsTests {

    @Test
    void idIsUidAndResourceVersion() {
        assertThat(ResourceEvents.id(Action.APPLIED, "cbca9205-e653", "270419726"))
                .isEqualTo("cbca9205-e653/270419726");
    }

    @Test
    void deletionIdCarriesTheDeletedSuffixSoItDiffersFromTheLastAppliedState() {
        String applied = ResourceEvents.id(Action.APPLIED, "uid-1", "42");
        String deleted = ResourceEvents.id(Action.DELETED, "uid-1", "42");

        assertThat(deleted).isEqualTo("uid-1/42/deleted").isNotEqualTo(applied);
    }

    @Test
    void theSameVersionObservedTwiceYieldsTheSameId() {
        assertThat(ResourceEvents.id(Action.APPLIED, "uid-1", "42"))
                .isEqualTo(ResourceEvents.id(Action.APPLIED, "uid-1", "42"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void idRejectsABlankUidOrResourceVersion(String blank) {
        assertThatThrownBy(() -> ResourceEvents.id(Action.APPLIED, blank, "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uid");
        assertThatThrownBy(() -> ResourceEvents.id(Action.DELETED, "uid-1", blank))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resourceVersion");
    }

    @Test
    void sourceNamesTheCluster() {
        assertThat(ResourceEvents.source("ci")).isEqualTo("/clusters/ci");
        assertThatThrownBy(() -> ResourceEvents.source(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subjectQualifiesTheKindWithItsGroup() {
        assertThat(ResourceEvents.subject("tekton.dev/v1", "PipelineRun", "jx", "build-1"))
                .isEqualTo("PipelineRun.tekton.dev/jx/build-1");
        assertThat(ResourceEvents.subject("lighthouse.jenkins.io/v1alpha1", "LighthouseJob", "jx", "job-1"))
                .isEqualTo("LighthouseJob.lighthouse.jenkins.io/jx/job-1");
    }

    @Test
    void subjectOfACoreKindHasNoGroup() {
        assertThat(ResourceEvents.subject("v1", "Pod", "jx", "build-1-pod")).isEqualTo("Pod/jx/build-1-pod");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " "})
    void subjectOfAClusterScopedObjectOmitsTheNamespace(String namespace) {
        assertThat(ResourceEvents.subject("v1", "Namespace", namespace, "jx")).isEqualTo("Namespace/jx");
        assertThat(ResourceEvents.subject(
                        "apiextensions.k8s.io/v1", "CustomResourceDefinition", namespace, "pipelineruns.tekton.dev"))
                .isEqualTo("CustomResourceDefinition.apiextensions.k8s.io/pipelineruns.tekton.dev");
    }

    @Test
    void subjectRejectsABlankKindOrName() {
        assertThatThrownBy(() -> ResourceEvents.subject("v1", "", "jx", "pod"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kind");
        assertThatThrownBy(() -> ResourceEvents.subject("v1", "Pod", "jx", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> ResourceEvents.subject(null, "Pod", "jx", "pod"))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void routingKeyIsActionAndLowerCaseKind() {
        assertThat(ResourceEvents.routingKey(Action.APPLIED, "PipelineRun")).isEqualTo("resource.applied.pipelinerun");
        assertThat(ResourceEvents.routingKey(Action.DELETED, "Pod")).isEqualTo("resource.deleted.pod");
        assertThatThrownBy(() -> ResourceEvents.routingKey(Action.APPLIED, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void actionsMapToTheirEventTypesOnTheObservationsChannel() {
        assertThat(Action.APPLIED.type()).isEqualTo(EventType.RESOURCE_APPLIED);
        assertThat(Action.DELETED.type()).isEqualTo(EventType.RESOURCE_DELETED);
        assertThat(Action.DELETED.type().channel()).isEqualTo(Channel.OBSERVATIONS);
        assertThat(ResourceEvents.group("tekton.dev/v1")).isEqualTo("tekton.dev");
        assertThat(ResourceEvents.group("v1")).isEmpty();
    }
}
