package io.pipelinelens.sensemaker.tracing;

import static io.pipelinelens.sensemaker.tracing.ExpectedTrace.attributes;
import static io.pipelinelens.sensemaker.tracing.ExpectedTrace.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerInfrastructure;
import io.pipelinelens.testing.OtlpReceiver;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * One complete Lighthouse run per fixture family, linked as a real cluster links it, goes through
 * RabbitMQ, PostgreSQL and OTLP/HTTP: the spans decoded from OTLP form the tree DESIGN §3–4
 * describes, with ids, parents and times worked out from the objects alone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 1)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TraceScenariosIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    static SensemakerInfrastructure infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra = SensemakerInfrastructure.create("scenarios", registry);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Infrastructure {
        @Bean
        static BeanFactoryPostProcessor closeInfrastructureAfterTheApplication() {
            return infra.closedAfterTheApplication();
        }
    }

    @Autowired
    RabbitTemplate rabbit;

    private final Random random = new Random();

    @Test
    void tracesALighthousePresubmitFromTheWebhookDownToItsSteps() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        List<Span> spans = publishAndAssertTree(scenario);

        Span root = named(spans, "github pull_request");
        assertThat(attributes(root))
                .containsEntry("pipelinelens.git.delivery", scenario.guid)
                .containsEntry("vcs.change.id", "8")
                .doesNotContainKey("pipelinelens.timing.fallback");
        Span run = named(spans, "RUN jenkins-x-plugins/jx-registry/lint");
        assertThat(attributes(run))
                .containsEntry("cicd.pipeline.result", "success")
                .containsEntry("cicd.pipeline.run.id", ExpectedTrace.uid(scenario.run))
                .containsEntry("vcs.change.id", "8")
                .containsEntry("vcs.ref.head.revision", "d37fda61b4d258b656faad85eea3564b2e5049a2")
                .containsEntry("k8s.namespace.name", "jx")
                // A run starts when it was created (DESIGN §4), with or without Tekton's startTime.
                .doesNotContainKey("pipelinelens.timing.fallback");
        assertThat(run.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(attributes(named(spans, "JOB jenkins-x-plugins/jx-registry/lint")))
                .containsEntry("cicd.pipeline.result", "success")
                .containsEntry("lighthouse.job.type", "presubmit")
                .containsEntry("vcs.change.id", "8");
        Span task = named(spans, "TASK jx-secret-lint");
        assertThat(attributes(task))
                .containsEntry("cicd.pipeline.task.name", "jx-secret-lint")
                .containsEntry("cicd.pipeline.task.run.result", "success")
                .containsEntry(
                        "k8s.pod.name",
                        scenario.pods.getFirst().path("metadata").path("name").asString());
        Span pod = named(spans, "POD jx-secret-lint");
        assertThat(pod.getEventsList())
                .extracting(Span.Event::getName)
                .containsExactlyInAnyOrder("Scheduled", "Pulling", "Pulled", "Created", "Started");
        assertThat(attributes(named(spans, "STEP make-lint"))).containsEntry("process.exit.code", 0L);
    }

    @Test
    void findsThePodOfAnEventThatCarriesNoUidByItsName() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        scenario.events.forEach(e -> ((ObjectNode) e.path("involvedObject")).remove("uid"));
        List<Span> spans = publishAndAssertTree(scenario);

        assertThat(named(spans, "POD jx-secret-lint").getEventsList())
                .extracting(Span.Event::getName)
                .containsExactlyInAnyOrder("Scheduled", "Pulling", "Pulled", "Created", "Started");
        named(spans, "image pull");
    }

    @Test
    void addsTheKubernetesEventsAboutATaskRunAndItsPipelineRunToTheirOwnSpans() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        ObjectNode taskRun = scenario.taskRuns.getFirst();
        Instant taskStart = TraceScenario.instant(taskRun.path("status").path("startTime"));
        Instant taskEnd = TraceScenario.instant(taskRun.path("status").path("completionTime"));
        scenario.addTektonEvent(taskRun, "Started", "", taskStart);
        scenario.addTektonEvent(taskRun, "Succeeded", "All Steps have completed executing", taskEnd);
        Instant runCreated = TraceScenario.instant(scenario.run.path("metadata").path("creationTimestamp"));
        Instant runEnd = TraceScenario.instant(scenario.run.path("status").path("completionTime"));
        scenario.addTektonEvent(scenario.run, "Started", "", runCreated);
        ObjectNode running = scenario.addTektonEvent(
                scenario.run,
                "Running",
                "Tasks Completed: 0 (Failed: 0, Cancelled 0), Skipped: 0",
                runCreated.plusSeconds(1));
        scenario.addTektonEvent(
                scenario.run, "Succeeded", "Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0", runEnd);
        // An Event without a uid still finds its run by kind, namespace and name.
        ((ObjectNode) running.path("involvedObject")).remove("uid");
        List<Span> spans = publishAndAssertTree(scenario);

        Span task = named(spans, "TASK jx-secret-lint");
        assertThat(task.getEventsList()).extracting(Span.Event::getName).containsExactly("Started", "Succeeded");
        Span.Event taskDone = task.getEventsList().get(1);
        assertThat(Instant.ofEpochSecond(0, taskDone.getTimeUnixNano())).isEqualTo(taskEnd);
        assertThat(attributes(taskDone))
                .containsEntry("k8s.event.reason", "Succeeded")
                .containsEntry("k8s.event.message", "All Steps have completed executing")
                .containsEntry("k8s.event.type", "Normal")
                .containsEntry("k8s.event.count", 1L);
        Span run = named(spans, "RUN jenkins-x-plugins/jx-registry/lint");
        assertThat(run.getEventsList())
                .extracting(Span.Event::getName)
                .containsExactly("Started", "Running", "Succeeded");
        assertThat(Instant.ofEpochSecond(0, run.getEventsList().get(2).getTimeUnixNano()))
                .isEqualTo(runEnd);
        // Each Event on the span of the object it is about, and nowhere else.
        assertThat(named(spans, "POD jx-secret-lint").getEventsList())
                .extracting(Span.Event::getName)
                .containsExactlyInAnyOrder("Scheduled", "Pulling", "Pulled", "Created", "Started");
        assertThat(named(spans, "JOB jenkins-x-plugins/jx-registry/lint").getEventsList())
                .isEmpty();
    }

    @Test
    void tracesAPostsubmitPushWithItsJenkinsXActivityAndPromotions() {
        TraceScenario scenario = TraceScenario.builder(random)
                .push()
                .run("tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1beta1-lighthouse-postsubmit-succeeded.yaml")
                .withActivity()
                .build();
        List<Span> spans = publishAndAssertTree(scenario);

        assertThat(attributes(named(spans, "github push")))
                .containsEntry(
                        "vcs.repository.name",
                        scenario.webhookPayload
                                .path("repository")
                                .path("full_name")
                                .asString())
                .containsEntry(
                        "vcs.ref.head.revision",
                        scenario.webhookPayload.path("after").asString());
        assertThat(attributes(named(spans, "RUN jstrachan/nodey532/release")))
                .doesNotContainKey("pipelinelens.timing.fallback");
        // Tekton recorded when the run started: its running phase, from start to completion.
        assertThat(attributes(named(spans, "running")))
                .containsEntry("cicd.pipeline.run.id", ExpectedTrace.uid(scenario.run))
                .doesNotContainKey("pipelinelens.timing.fallback");
        assertThat(attributes(named(spans, "ACTIVITY jstrachan/nodey532/master")))
                .containsEntry("cicd.pipeline.result", "success")
                .containsEntry("vcs.repository.url.full", "https://github.com/jstrachan/nodey532.git");
        assertThat(attributes(named(spans, "PROMOTE staging")))
                .containsEntry("vcs.change.url", "https://github.com/jx/jx-promote/pull/28")
                .doesNotContainKey("pipelinelens.timing.fallback");
        assertThat(attributes(named(spans, "PROMOTE production")))
                .containsEntry("vcs.change.url", "https://github.com/jx/jx-promote/pull/29")
                .containsEntry("pipelinelens.timing.fallback", "end=activity");
        assertThat(spans).filteredOn(s -> s.getName().startsWith("STAGE ")).hasSize(1);
    }

    @Test
    void tracesAMultiTaskRunWithOneTaskSpanPerTaskRun() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-multi-task-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-multi-task-build-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-multi-task-e2e-succeeded.yaml")
                .build();
        List<Span> spans = publishAndAssertTree(scenario);

        String runSpan = ExpectedTrace.spanId(ExpectedTrace.uid(scenario.run));
        assertThat(spans)
                .filteredOn(s -> s.getName().startsWith("TASK "))
                .extracting(Span::getName)
                .containsExactlyInAnyOrder("TASK build", "TASK e2e-tests");
        assertThat(spans)
                .filteredOn(s -> s.getName().startsWith("TASK "))
                .allSatisfy(
                        s -> assertThat(ExpectedTrace.hex(s.getParentSpanId().toByteArray()))
                                .isEqualTo(runSpan));
    }

    @Test
    void showsThePipelineTasksTektonSkippedAsTaskSpansWithTheReason() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-multi-task-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-multi-task-build-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-multi-task-e2e-succeeded.yaml")
                .build();
        // No fixture skipped a task: this copy of the multi-task run had a third pipeline task
        // whose when expression was false, listed in status.skippedTasks as Tekton v1 lists it.
        ObjectNode status = scenario.run.withObject("status");
        status.putArray("skippedTasks")
                .addObject()
                .put("name", "promote")
                .put("reason", "When Expressions evaluated to false")
                .putArray("whenExpressions")
                .addObject()
                .put("input", "PR-7463")
                .put("operator", "in")
                .putArray("values")
                .add("master");
        ((ObjectNode) status.path("conditions").path(0))
                .put("message", "Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 1");
        List<Span> spans = publishAndAssertTree(scenario);

        assertThat(spans)
                .filteredOn(s -> s.getName().startsWith("TASK "))
                .extracting(Span::getName)
                .containsExactlyInAnyOrder("TASK build", "TASK e2e-tests", "TASK promote");
        Span skipped = named(spans, "TASK promote");
        assertThat(attributes(skipped))
                .containsEntry("cicd.pipeline.task.name", "promote")
                .containsEntry("cicd.pipeline.task.run.result", "skip")
                .containsEntry("tekton.skip.reason", "When Expressions evaluated to false")
                .containsEntry("cicd.pipeline.run.id", ExpectedTrace.uid(scenario.run))
                .doesNotContainKey("pipelinelens.timing.fallback");
        assertThat(skipped.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    }

    @Test
    void marksTheFailedStepItsPodTaskRunJobAndGitEventAsErrorsWithTheReasonAndExitCode() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-failed.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-failed-step-exit-2.yaml")
                .build();
        List<Span> spans = publishAndAssertTree(scenario);

        Span step = named(spans, "STEP build-build");
        assertThat(step.getStatus().getMessage()).startsWith("exit code 2");
        assertThat(attributes(step)).containsEntry("process.exit.code", 2L);
        assertThat(named(spans, "STEP git-merge").getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
        Span task = named(spans, "TASK from-build-pack");
        assertThat(task.getStatus().getMessage()).startsWith("Failed");
        assertThat(attributes(task))
                .containsEntry("cicd.pipeline.task.run.result", "failure")
                .containsEntry("error.type", "Failed");
        Span run = named(spans, "RUN jenkins-x-charts/jx-build-templates/pr-build");
        assertThat(run.getStatus().getMessage()).startsWith("Failed: TaskRun").endsWith("has failed");
        assertThat(attributes(run)).containsEntry("cicd.pipeline.result", "failure");
        Span job = named(spans, "JOB jenkins-x-charts/jx-build-templates/pr-build");
        assertThat(attributes(job)).containsEntry("cicd.pipeline.result", "failure");
        assertThat(job.getStatus().getMessage()).startsWith("failure");
        // The pod whose step container exited 2 failed like its task.
        Span pod = named(spans, "POD from-build-pack");
        assertThat(pod.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(pod.getStatus().getMessage()).isEqualTo("step-build-build exited with code 2 (Error)");
        assertThat(attributes(pod)).containsEntry("error.type", "Error");
        // The git event says what failed under it.
        Span root = named(spans, "github pull_request");
        assertThat(root.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(root.getStatus().getMessage())
                .contains("JOB jenkins-x-charts/jx-build-templates/pr-build")
                .contains("RUN jenkins-x-charts/jx-build-templates/pr-build");
        assertThat(attributes(root)).containsEntry("error.type", "failure");
    }

    @Test
    void marksATimedOutRunAsTimeout() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-timeout.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-timeout.yaml")
                .build();
        List<Span> spans = publishAndAssertTree(scenario);

        assertThat(attributes(named(spans, "RUN jenkins-x/jx/pr")))
                .containsEntry("cicd.pipeline.result", "timeout")
                .containsEntry("error.type", "PipelineRunTimeout");
        assertThat(attributes(named(spans, "TASK from-build-pack")))
                .containsEntry("cicd.pipeline.task.run.result", "timeout");
        // The step Tekton never started has no span: there is no time to give it.
        assertThat(spans).extracting(Span::getName).doesNotContain("STEP coverage-report");
    }

    @Test
    void marksACancelledRunAsCancellationWithoutError() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-cancelled.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-cancelled.yaml")
                .build();
        List<Span> spans = publishAndAssertTree(scenario);

        assertThat(attributes(named(spans, "RUN jenkins-x-plugins/jx-project/pr")))
                .containsEntry("cicd.pipeline.result", "cancellation");
        assertThat(attributes(named(spans, "TASK from-build-pack")))
                .containsEntry("cicd.pipeline.task.run.result", "cancellation");
        assertThat(attributes(named(spans, "JOB jenkins-x-plugins/jx-project/pr")))
                .containsEntry("cicd.pipeline.result", "cancellation");
    }

    @Test
    void aTaskRunWaitsForThePodObservedWithItWhileABacklogDrains() throws InterruptedException {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        List<TraceScenario.Delivery> first = new ArrayList<>();
        List<TraceScenario.Delivery> later = new ArrayList<>();
        for (TraceScenario.Delivery d : scenario.deliveries()) {
            (d.description().startsWith("Pod ") || d.description().startsWith("Event ") ? later : first).add(d);
        }
        // The harvester saw the pod with its TaskRun, but a backlog of other changes (observed a
        // moment later) stands between them in the queue for much longer than the settle period.
        OffsetDateTime backlog = OffsetDateTime.parse("2030-01-01T00:00:00.100Z");
        ObjectNode other = Observations.fixture("pods/pod-taskrun-meta-pipeline-succeeded.yaml");
        ObjectNode metadata = other.withObject("metadata");
        metadata.remove("ownerReferences");
        metadata.remove("labels");
        for (int i = 0; i < 150; i++) {
            if (i == 20) {
                first.forEach(this::publish);
            }
            metadata.put("uid", UUID.randomUUID().toString()).put("name", "other-" + i);
            rabbit.send(
                    infra.exchange,
                    Observations.routingKey(other),
                    Observations.message(ResourceEvents.Action.APPLIED, other, backlog));
            Thread.sleep(15);
        }
        later.forEach(this::publish);

        ExpectedTrace expected = new ExpectedTrace(scenario);
        expected.assertTree(expected.awaitSpans(infra.otlp, WAIT));
    }

    @Test
    void attachesChildrenThatArriveBeforeTheirParents() throws InterruptedException {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        List<TraceScenario.Delivery> deliveries = new ArrayList<>(scenario.deliveries());
        Collections.reverse(deliveries);
        // Events, pods and TaskRuns first; the run, the job and the webhook a while later, well
        // within the pending timeout.
        int children = deliveries.size() - 5;
        deliveries.subList(0, children).forEach(this::publish);
        Thread.sleep(800);
        ExpectedTrace expected = new ExpectedTrace(scenario);
        assertThat(expected.received(infra.otlp))
                .as("nothing is exported while parents are missing")
                .isEmpty();
        deliveries.subList(children, deliveries.size()).forEach(this::publish);
        expected.assertTree(expected.awaitSpans(infra.otlp, WAIT));
    }

    @Test
    void attachesARunWithoutOwnerOrJobLabelToItsJobByRepositoryBranchAndBuildNumber() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        // Only the third key of DESIGN §3 is left: no owner reference, no job name label.
        for (ObjectNode state : runStates(scenario)) {
            ObjectNode metadata = state.withObject("metadata");
            metadata.remove("ownerReferences");
            metadata.withObject("labels").remove(TraceScenario.LIGHTHOUSE + "id");
        }
        // The same job on another pull request, seen first: same repository, context and build
        // number (as the fixtures' presubmit and postsubmit LighthouseJobs share them), another
        // branch. Only the branch tells the two apart.
        ObjectNode otherJob = scenario.job.deepCopy();
        String otherUid = UUID.randomUUID().toString();
        ObjectNode otherMetadata = otherJob.withObject("metadata");
        otherMetadata
                .put("uid", otherUid)
                .put("name", otherMetadata.path("name").asString() + "-other");
        otherMetadata
                .withObject("labels")
                .put(TraceScenario.LIGHTHOUSE + "branch", "PR-9")
                .put(TraceScenario.LIGHTHOUSE + "refs.pull", "9")
                .put("event-GUID", UUID.randomUUID().toString());
        publish(new TraceScenario.Delivery(
                Observations.routingKey(otherJob), Observations.applied(otherJob), "other LighthouseJob"));
        awaitSpan(ExpectedTrace.spanId(otherUid));

        List<Span> spans = publishAndAssertTree(scenario);
        assertThat(ExpectedTrace.hex(named(spans, "RUN jenkins-x-plugins/jx-registry/lint")
                        .getParentSpanId()
                        .toByteArray()))
                .isEqualTo(ExpectedTrace.spanId(ExpectedTrace.uid(scenario.job)));
    }

    @Test
    void startsOneTraceAtTheTektonTriggersEventThatCreatedTwoRuns() {
        // No fixture comes from Tekton Triggers: two Lighthouse runs become runs an EventListener
        // created for one incoming event, with the labels Triggers puts on them (DESIGN §3).
        String eventId = UUID.randomUUID().toString();
        List<TraceScenario> scenarios = new ArrayList<>();
        for (String trigger : List.of("build", "lint")) {
            TraceScenario scenario = TraceScenario.builder(random)
                    .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                    .build();
            for (ObjectNode state : runStates(scenario)) {
                ObjectNode metadata = state.withObject("metadata");
                metadata.remove("ownerReferences");
                ObjectNode labels = metadata.withObject("labels");
                new ArrayList<>(labels.propertyNames())
                        .stream()
                                .filter(name -> name.startsWith(TraceScenario.LIGHTHOUSE) || name.equals("event-GUID"))
                                .forEach(labels::remove);
                labels.put("triggers.tekton.dev/eventlistener", "github-listener")
                        .put("triggers.tekton.dev/trigger", trigger)
                        .put("triggers.tekton.dev/triggers-eventid", eventId);
            }
            scenario.deliveries().stream()
                    .filter(d -> d.description().startsWith("PipelineRun "))
                    .forEach(this::publish);
            scenarios.add(scenario);
        }

        String traceId = ExpectedTrace.sha256("trace:triggers:" + eventId, 16);
        String rootSpanId = ExpectedTrace.spanId("triggers:" + eventId);
        Span root = awaitSpan(rootSpanId);
        List<Span> trace = infra.otlp.spans().stream()
                .map(OtlpReceiver.ReceivedSpan::span)
                .filter(span ->
                        ExpectedTrace.hex(span.getTraceId().toByteArray()).equals(traceId))
                .toList();
        for (TraceScenario scenario : scenarios) {
            Span run = trace.stream()
                    .filter(span ->
                            ExpectedTrace.spanIdOf(span).equals(ExpectedTrace.spanId(ExpectedTrace.uid(scenario.run))))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the run is not in the Triggers event's trace"));
            assertThat(ExpectedTrace.hex(run.getParentSpanId().toByteArray())).isEqualTo(rootSpanId);
        }
        assertThat(root.getName()).isEqualTo("TRIGGER github-listener");
        assertThat(root.getParentSpanId().isEmpty()).as("a root").isTrue();
        assertThat(ExpectedTrace.attributes(root))
                .containsEntry("tekton.triggers.event.id", eventId)
                .containsEntry("tekton.triggers.eventlistener", "github-listener")
                .containsEntry("tekton.triggers.trigger", "build,lint")
                .containsEntry("k8s.namespace.name", "jx");
        List<Span> children = trace.stream().filter(span -> span != root).toList();
        assertThat(root.getStartTimeUnixNano())
                .isEqualTo(children.stream()
                        .mapToLong(Span::getStartTimeUnixNano)
                        .min()
                        .orElseThrow());
        assertThat(root.getEndTimeUnixNano())
                .isEqualTo(children.stream()
                        .mapToLong(Span::getEndTimeUnixNano)
                        .max()
                        .orElseThrow());
    }

    @Test
    void tracesATaskRunCreatedOnItsOwnAsATraceOfItsOwn() {
        // A TaskRun created directly, not by a PipelineRun: nothing to wait for, it is a root.
        ObjectNode taskRun = Observations.fixture("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml");
        ObjectNode metadata = taskRun.withObject("metadata");
        String uid = UUID.randomUUID().toString();
        metadata.put("uid", uid)
                .put("name", "standalone-" + uid.substring(0, 8))
                .put("resourceVersion", "1");
        metadata.remove("ownerReferences");
        ObjectNode labels = metadata.withObject("labels");
        new ArrayList<>(labels.propertyNames())
                .stream()
                        .filter(name -> name.startsWith("tekton.dev/pipeline")
                                || name.startsWith(TraceScenario.LIGHTHOUSE)
                                || name.equals("event-GUID"))
                        .forEach(labels::remove);
        publish(new TraceScenario.Delivery(
                Observations.routingKey(taskRun), Observations.applied(taskRun), "standalone TaskRun"));

        Span span = awaitSpan(ExpectedTrace.spanId(uid));
        assertThat(ExpectedTrace.hex(span.getTraceId().toByteArray()))
                .isEqualTo(ExpectedTrace.sha256("trace:resource:" + uid, 16));
        assertThat(span.getParentSpanId().isEmpty()).as("a root").isTrue();
        assertThat(span.getName()).startsWith("TASK ");
        assertThat(Instant.ofEpochSecond(0, span.getStartTimeUnixNano()))
                .isEqualTo(TraceScenario.instant(taskRun.path("status").path("startTime")));
        assertThat(Instant.ofEpochSecond(0, span.getEndTimeUnixNano()))
                .isEqualTo(TraceScenario.instant(taskRun.path("status").path("completionTime")));
        assertThat(attributes(span)).containsEntry("cicd.pipeline.task.run.result", "success");
    }

    @Test
    void redactsParamsWhoseNamesLookSecret() {
        TraceScenario scenario = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .taskRun("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        var params = scenario.run.withObject("spec").withArray("params");
        params.addObject().put("name", "GIT_TOKEN").put("value", "ghp_s3cr3t");
        params.addObject().put("name", "registry-password").put("value", "hunter2");
        params.addObject().put("name", "REPO_NAME").put("value", "jx-registry");
        var taskParams = scenario.taskRuns.getFirst().withObject("spec").withArray("params");
        taskParams.addObject().put("name", "npmAuthSecret").put("value", "npm_abc");
        List<Span> spans = publishAndAssertTree(scenario);

        assertThat(attributes(named(spans, "RUN jenkins-x-plugins/jx-registry/lint")))
                .containsEntry("tekton.param.GIT_TOKEN", "[REDACTED]")
                .containsEntry("tekton.param.registry-password", "[REDACTED]")
                .containsEntry("tekton.param.REPO_NAME", "jx-registry");
        assertThat(attributes(named(spans, "TASK jx-secret-lint")))
                .containsEntry("tekton.param.npmAuthSecret", "[REDACTED]");
        assertThat(spans.toString()).doesNotContain("ghp_s3cr3t", "hunter2", "npm_abc");
    }

    @Test
    void linksAReRunToTheOriginalRunAndTektonsOwnSpan() {
        TraceScenario original = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        ExpectedTrace originalTrace = new ExpectedTrace(original);
        original.deliveries().forEach(this::publish);
        originalTrace.awaitSpans(infra.otlp, WAIT);

        TraceScenario rerun = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        ObjectNode metadata = rerun.run.withObject("metadata");
        metadata.withObject("labels")
                .put(
                        "dashboard.tekton.dev/rerunOf",
                        original.run.path("metadata").path("name").asString());
        String tektonTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String tektonSpan = "00f067aa0ba902b7";
        metadata.withObject("annotations")
                .put(
                        "tekton.dev/pipelinerunSpanContext",
                        "{\"traceparent\":\"00-" + tektonTrace + "-" + tektonSpan + "-01\"}");
        List<Span> spans = publishAndAssertTree(rerun);

        Span run = named(spans, "RUN jenkins-x-plugins/jx-registry/lint");
        assertThat(run.getLinksList())
                .extracting(l -> ExpectedTrace.hex(l.getTraceId().toByteArray()) + "/"
                        + ExpectedTrace.hex(l.getSpanId().toByteArray()))
                .containsExactlyInAnyOrder(
                        originalTrace.traceId + "/" + ExpectedTrace.spanId(ExpectedTrace.uid(original.run)),
                        tektonTrace + "/" + tektonSpan);
        assertThat(originalTrace.traceId).isNotEqualTo(new ExpectedTrace(rerun).traceId);
    }

    @Test
    void linksAnOriginalRunToItsReRunWhenTheReRunWasTracedFirst() {
        TraceScenario original = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        TraceScenario rerun = TraceScenario.builder(random)
                .run("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                .build();
        rerun.run
                .withObject("metadata")
                .withObject("labels")
                .put(
                        "dashboard.tekton.dev/rerunOf",
                        original.run.path("metadata").path("name").asString());
        ExpectedTrace rerunTrace = new ExpectedTrace(rerun);
        rerun.deliveries().forEach(this::publish);
        Span rerunSpan = named(rerunTrace.awaitSpans(infra.otlp, WAIT), "RUN jenkins-x-plugins/jx-registry/lint");
        assertThat(rerunSpan.getLinksList()).as("its original is not known yet").isEmpty();

        List<Span> spans = publishAndAssertTree(original);

        Span run = named(spans, "RUN jenkins-x-plugins/jx-registry/lint");
        assertThat(run.getLinksList()).singleElement().satisfies(link -> {
            assertThat(ExpectedTrace.hex(link.getTraceId().toByteArray())).isEqualTo(rerunTrace.traceId);
            assertThat(ExpectedTrace.hex(link.getSpanId().toByteArray()))
                    .isEqualTo(ExpectedTrace.spanId(ExpectedTrace.uid(rerun.run)));
            assertThat(attributes(link)).containsEntry("pipelinelens.link.type", "rerun");
        });
    }

    /** Every state of the scenario's PipelineRun that will be published, the final one last. */
    private static List<ObjectNode> runStates(TraceScenario scenario) {
        List<ObjectNode> states = new ArrayList<>(scenario.earlierStates.stream()
                .filter(o -> "PipelineRun".equals(o.path("kind").asString()))
                .toList());
        states.add(scenario.run);
        return states;
    }

    private List<Span> publishAndAssertTree(TraceScenario scenario) {
        ExpectedTrace expected = new ExpectedTrace(scenario);
        scenario.deliveries().forEach(this::publish);
        List<Span> spans = expected.awaitSpans(infra.otlp, WAIT);
        expected.assertTree(spans);
        return spans;
    }

    private Span awaitSpan(String spanId) {
        List<Span> found = new ArrayList<>();
        await().atMost(WAIT).untilAsserted(() -> {
            found.clear();
            for (OtlpReceiver.ReceivedSpan s : infra.otlp.spans()) {
                if (ExpectedTrace.spanIdOf(s.span()).equals(spanId)) {
                    found.add(s.span());
                }
            }
            assertThat(found).isNotEmpty();
        });
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private void publish(TraceScenario.Delivery delivery) {
        rabbit.send(infra.exchange, delivery.routingKey(), delivery.message());
    }
}
