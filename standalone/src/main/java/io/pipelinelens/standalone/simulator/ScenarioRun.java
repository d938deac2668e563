package io.pipelinelens.standalone.simulator;

import java.util.List;

/**
 * One planned Jenkins X run: the webhook that triggers it and every write the controllers make,
 * in time order.
 *
 * @param deliveryGuid the webhook's {@code X-GitHub-Delivery}, which becomes the {@code event-GUID} label
 * @param githubEvent the {@code X-GitHub-Event}
 * @param webhookBody the exact bytes to deliver (and sign)
 */
public record ScenarioRun(
        long number,
        String deliveryGuid,
        String githubEvent,
        byte[] webhookBody,
        Outcome outcome,
        String pipelineRunName,
        List<Beat> beats) {

    public enum Outcome {
        SUCCESS,
        FAILURE
    }
}
