package io.pipelinelens.sensemaker.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The parent keys of DESIGN §3, worked out from the fixtures' LighthouseJobs and PipelineRuns. */
class CorrelationsTests {

    private static final String LIGHTHOUSE = Correlations.LIGHTHOUSE;

    @Test
    void aRunWithoutOwnerOrJobLabelFindsItsJobByRepositoryBranchAndBuildNumber() {
        // Two real jobs of jenkins-x/lighthouse with the same context and build number: a
        // presubmit on PR-813 and a postsubmit on main. Only the branch tells them apart.
        NodeFacts presubmit = facts(job("lighthouse/lighthousejob-presubmit-pending.yaml", "presubmit"));
        NodeFacts postsubmit = facts(job("lighthouse/lighthousejob-postsubmit-pending.yaml", "postsubmit"));
        ObjectNode run = unownedRun();

        assertThat(facts(run).parentKeys()).singleElement().satisfies(key -> {
            assertThat(presubmit.keys()).contains(key);
            assertThat(postsubmit.keys()).doesNotContain(key);
        });

        run.withObject("metadata").withObject("labels").put(LIGHTHOUSE + "branch", "main");
        assertThat(facts(run).parentKeys()).singleElement().satisfies(key -> {
            assertThat(postsubmit.keys()).contains(key);
            assertThat(presubmit.keys()).doesNotContain(key);
        });
    }

    @Test
    void withoutABranchLabelThereIsNoLighthouseKeyToWaitFor() {
        ObjectNode run = unownedRun();
        run.withObject("metadata").withObject("labels").remove(LIGHTHOUSE + "branch");
        // Nothing left to find the job by: the run starts its own trace rather than wait.
        NodeFacts facts = facts(run);
        assertThat(facts.parentKeys()).isEmpty();
        assertThat(facts.ownRootKey()).isEqualTo(TraceIds.resourceRoot("run-uid"));
    }

    @Test
    void theOwnerReferenceAndTheJobLabelComeBeforeTheLighthouseLabels() {
        ObjectNode run = (ObjectNode) Fixtures.tree("tekton/pipelinerun-v1-lighthouse-presubmit-created.yaml");
        run.put("kind", "PipelineRun");
        ObjectNode metadata = run.withObject("metadata");
        metadata.put("uid", "run-uid");
        ((ObjectNode) metadata.path("ownerReferences").get(0)).put("uid", "job-uid");
        NodeFacts job = facts(job("lighthouse/lighthousejob-presubmit-pending.yaml", "presubmit"));

        List<String> parents = facts(run).parentKeys();
        assertThat(parents).hasSize(3);
        assertThat(parents.subList(0, 2))
                .containsExactly(
                        NodeFacts.uidKey("job-uid"),
                        NodeFacts.nameKey("LighthouseJob", "jx", "f46327af-b47e-11ea-b797-9256b7b8d9b0"));
        assertThat(job.keys()).contains(parents.get(2));
    }

    /** Lighthouse's own PipelineRun of the PR-813 presubmit, without owner reference and job label. */
    private static ObjectNode unownedRun() {
        ObjectNode run = (ObjectNode) Fixtures.tree("tekton/pipelinerun-v1-lighthouse-presubmit-created.yaml");
        run.put("apiVersion", "tekton.dev/v1").put("kind", "PipelineRun");
        ObjectNode metadata = run.withObject("metadata");
        metadata.put("uid", "run-uid");
        metadata.remove("ownerReferences");
        metadata.withObject("labels").remove(LIGHTHOUSE + "id");
        return run;
    }

    /** The fixtures' jobs share a name; in a cluster each has its own name and uid. */
    private static ObjectNode job(String fixture, String name) {
        ObjectNode job = (ObjectNode) Fixtures.tree(fixture);
        job.withObject("metadata").put("name", name).put("uid", name + "-uid");
        return job;
    }

    private static NodeFacts facts(ObjectNode object) {
        return Correlations.of(new KubeObject(object), false).orElseThrow();
    }
}
