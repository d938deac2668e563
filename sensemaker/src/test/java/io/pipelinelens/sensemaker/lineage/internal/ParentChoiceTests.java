package io.pipelinelens.sensemaker.lineage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.NodeKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Where a node goes, for each rule of DESIGN §3 and each tie-break, whatever has been seen so far. */
class ParentChoiceTests {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static final CorrelationKey.Uid OWNER_J1 = new CorrelationKey.Uid("job-1");
    private static final CorrelationKey.Name NAME_J1 = new CorrelationKey.Name("LighthouseJob", "jx", "job-1-name");
    private static final CorrelationKey.LighthouseBuild BUILD =
            new CorrelationKey.LighthouseBuild("jx", "org", "repo", "PR-1", "unit", "7");
    private static final CorrelationKey.Name RUN_NAME = new CorrelationKey.Name("PipelineRun", "jx", "release");
    private static final CorrelationKey.GitEvent GIT = new CorrelationKey.GitEvent("guid");

    /** A candidate parent publishing keys, created at T0 + seconds. */
    private static GraphNode candidate(String uid, int createdSecond, CorrelationKey... keys) {
        return new GraphNode(
                uid,
                NodeKind.LIGHTHOUSE_JOB,
                "jx",
                uid,
                LineageNode.State.ATTACHED,
                "trace-" + uid,
                "root",
                List.of(),
                List.of(),
                Arrays.asList(keys),
                null,
                GIT,
                false,
                false,
                T0.plusSeconds(createdSecond),
                OffsetDateTime.ofInstant(T0.plusSeconds(createdSecond), ZoneOffset.UTC),
                null);
    }

    private static ParentChoice.Child child(
            int createdSecond, CorrelationKey.GitEvent fallback, CorrelationKey... parents) {
        return new ParentChoice.Child(
                "child", T0.plusSeconds(createdSecond), List.of(parents), "resource:child", fallback);
    }

    private static Map<CorrelationKey, List<GraphNode>> seen(GraphNode... nodes) {
        Map<CorrelationKey, List<GraphNode>> publishers = new HashMap<>();
        for (GraphNode node : nodes) {
            node.keys()
                    .forEach(k -> publishers
                            .computeIfAbsent(k, x -> new java.util.ArrayList<>())
                            .add(node));
        }
        return publishers;
    }

    static Stream<Arguments> decisions() {
        GraphNode job1 = candidate("job-1", 0, OWNER_J1, NAME_J1, BUILD);
        GraphNode sibling = candidate("job-2", 0, new CorrelationKey.Uid("job-2"), BUILD);
        GraphNode olderRun = candidate("run-old", -600, RUN_NAME);
        GraphNode newerRun = candidate("run-new", -5, RUN_NAME);
        GraphNode laterRun = candidate("run-later", 30, RUN_NAME);
        return Stream.of(
                Arguments.of(
                        "the owner's uid resolves: under the owner",
                        child(10, null, OWNER_J1, NAME_J1, BUILD),
                        seen(job1, sibling),
                        false,
                        new ParentChoice.Under(job1, OWNER_J1)),
                Arguments.of(
                        "the owner is not seen yet: wait for it, never the sibling that shares the labels",
                        child(10, null, OWNER_J1, NAME_J1, BUILD),
                        seen(sibling),
                        false,
                        new ParentChoice.Wait(List.of(OWNER_J1, NAME_J1))),
                Arguments.of(
                        "a job label alone (no owner): the job by name",
                        child(10, null, NAME_J1, BUILD),
                        seen(job1, sibling),
                        false,
                        new ParentChoice.Under(job1, NAME_J1)),
                Arguments.of(
                        "only labels: the newest candidate created no later than the child",
                        child(10, null, BUILD),
                        seen(sibling, candidate("job-3", 5, BUILD), candidate("job-4", 20, BUILD)),
                        false,
                        new ParentChoice.Under(candidate("job-3", 5, BUILD), BUILD)),
                Arguments.of(
                        "only labels and every candidate is younger than the child: wait",
                        child(10, null, BUILD),
                        seen(candidate("job-4", 20, BUILD)),
                        false,
                        new ParentChoice.Wait(List.of(BUILD))),
                Arguments.of(
                        "a reused name: the newest run created before the task, not the oldest",
                        child(0, null, RUN_NAME),
                        seen(olderRun, newerRun, laterRun),
                        false,
                        new ParentChoice.Under(newerRun, RUN_NAME)),
                Arguments.of(
                        "a git event root always resolves",
                        child(0, null, GIT),
                        seen(),
                        false,
                        new ParentChoice.UnderRoot(GIT)),
                Arguments.of(
                        "no keys at all: a trace of its own",
                        child(0, null),
                        seen(),
                        false,
                        new ParentChoice.OwnRoot("resource:child")),
                Arguments.of(
                        "gave up waiting for the owner: the weaker key places it",
                        child(10, GIT, OWNER_J1, BUILD),
                        seen(sibling),
                        true,
                        new ParentChoice.Under(sibling, BUILD)),
                Arguments.of(
                        "gave up and nothing resolves: the git event it names",
                        child(10, GIT, OWNER_J1),
                        seen(),
                        true,
                        new ParentChoice.UnderRoot(GIT)),
                Arguments.of(
                        "gave up, nothing resolves and no git event: a trace of its own",
                        child(10, null, OWNER_J1),
                        seen(),
                        true,
                        new ParentChoice.OwnRoot("resource:child")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void placesTheChild(
            String rule,
            ParentChoice.Child child,
            Map<CorrelationKey, List<GraphNode>> publishers,
            boolean gaveUp,
            ParentChoice.Decision expected) {
        assertThat(ParentChoice.decide(child, publishers, gaveUp)).isEqualTo(expected);
    }
}
