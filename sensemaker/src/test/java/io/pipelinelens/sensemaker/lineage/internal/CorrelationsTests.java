package io.pipelinelens.sensemaker.lineage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import io.pipelinelens.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The parent keys of DESIGN §3, one test per row, worked out from the fixtures. */
class CorrelationsTests {

    private static final String LIGHTHOUSE = Correlations.LIGHTHOUSE;

    @Test
    void aLighthouseJobHangsUnderTheGitEventItsEventGuidNames() {
        ObjectNode job = job("lighthouse/lighthousejob-presubmit-pending.yaml", "presubmit");
        job.withObject("metadata").withObject("labels").put("event-GUID", "guid-1");

        assertThat(facts(job).parentKeys()).containsExactly(new CorrelationKey.GitEvent("guid-1"));
    }

    @Test
    void aRunLooksForItsJobByOwnerThenJobLabelThenLighthouseLabels() {
        ObjectNode run = (ObjectNode) Fixtures.tree("tekton/pipelinerun-v1-lighthouse-presubmit-created.yaml");
        run.put("kind", "PipelineRun");
        ObjectNode metadata = run.withObject("metadata");
        metadata.put("uid", "run-uid");
        ((ObjectNode) metadata.path("ownerReferences").get(0)).put("uid", "job-uid");
        NodeFacts job = facts(job("lighthouse/lighthousejob-presubmit-pending.yaml", "presubmit"));

        List<CorrelationKey> parents = facts(run).parentKeys();
        assertThat(parents).hasSize(3);
        assertThat(parents.subList(0, 2))
                .containsExactly(
                        new CorrelationKey.Uid("job-uid"),
                        new CorrelationKey.Name("LighthouseJob", "jx", "f46327af-b47e-11ea-b797-9256b7b8d9b0"));
        assertThat(parents.get(2)).isInstanceOf(CorrelationKey.LighthouseBuild.class);
        assertThat(job.keys()).contains(parents.get(2));
    }

    @Test
    void aRunWithoutOwnerOrJobLabelFindsItsJobByRepositoryBranchContextAndBuildNumber() {
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
    void siblingJobsOfOneGitEventNeverShareTheLighthouseKey() {
        // Same repository, branch and build number; another context (a second job of the event).
        ObjectNode first = job("lighthouse/lighthousejob-presubmit-pending.yaml", "unit");
        ObjectNode second = job("lighthouse/lighthousejob-presubmit-pending.yaml", "lint");
        second.withObject("metadata").withObject("labels").put(LIGHTHOUSE + "context", "lint");

        assertThat(lighthouseKeys(facts(first).keys()))
                .doesNotContainAnyElementsOf(lighthouseKeys(facts(second).keys()));
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
    void aTaskRunLooksForItsRunByOwnerThenRunUidLabelThenRunName() {
        ObjectNode taskRun = (ObjectNode) Fixtures.tree("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml");
        taskRun.put("kind", "TaskRun");
        ObjectNode metadata = taskRun.withObject("metadata");
        metadata.put("uid", "task-uid").put("namespace", "jx");
        metadata.putArray("ownerReferences")
                .addObject()
                .put("kind", "PipelineRun")
                .put("uid", "owner-uid");
        metadata.withObject("labels")
                .put("tekton.dev/pipelineRunUID", "label-uid")
                .put("tekton.dev/pipelineRun", "r1");

        assertThat(facts(taskRun).parentKeys())
                .containsExactly(
                        new CorrelationKey.Uid("owner-uid"),
                        new CorrelationKey.Uid("label-uid"),
                        new CorrelationKey.Name("PipelineRun", "jx", "r1"));
    }

    @Test
    void aRunOfATriggersEventHangsUnderThatEvent() {
        ObjectNode run = unownedRun();
        ObjectNode labels = run.withObject("metadata").withObject("labels");
        labels.propertyNames().stream()
                .filter(name -> name.startsWith(LIGHTHOUSE))
                .toList()
                .forEach(labels::remove);
        labels.put("triggers.tekton.dev/triggers-eventid", "ev-9");

        assertThat(facts(run).parentKeys()).containsExactly(new CorrelationKey.TriggersEvent("ev-9"));
    }

    @Test
    void anActivityFindsItsRunByTheBuildBothCarry() {
        ObjectNode activity = (ObjectNode) Fixtures.tree("jx/pipelineactivity-lighthouse-postsubmit-succeeded.yaml");
        activity.withObject("metadata").put("uid", "activity-uid");
        NodeFacts facts = facts(activity);

        assertThat(facts.parentKeys()).singleElement().isInstanceOf(CorrelationKey.ActivityBuild.class);
    }

    private static List<CorrelationKey> lighthouseKeys(List<CorrelationKey> keys) {
        return keys.stream()
                .filter(k -> k instanceof CorrelationKey.LighthouseBuild)
                .toList();
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
