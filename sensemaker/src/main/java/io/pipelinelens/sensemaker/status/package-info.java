/**
 * Status: publishes what happened to pipelines as CloudEvents on Kafka (CDEvents types where one
 * fits), keyed so that the events of one pipeline stay in order. Fed through the event publication
 * registry, so a Kafka outage delays events but loses none.
 */
package io.pipelinelens.sensemaker.status;
