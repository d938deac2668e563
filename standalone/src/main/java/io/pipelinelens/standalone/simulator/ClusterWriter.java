package io.pipelinelens.standalone.simulator;

import java.util.Map;

/** What the simulated controllers do to the cluster. */
public interface ClusterWriter {

    /** Creates the object and returns the uid the API server gave it. */
    String create(Map<String, Object> object);

    /** Replaces spec and status of an object without a status subresource (pods, PipelineActivities). */
    void update(Map<String, Object> object);

    /** Writes the status subresource (LighthouseJobs, PipelineRuns, TaskRuns). */
    void updateStatus(Map<String, Object> object);
}
