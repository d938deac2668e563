/**
 * Status: publishes what happened to pipelines as CloudEvents on Kafka (CDEvents types where one
 * fits), keyed so that the events of one pipeline stay in order. The events are written to the
 * status outbox in the transaction that records what they are about, and one publisher sends each
 * key's events in that order, so a Kafka outage delays events but loses and reorders none. The
 * module has no API of its own: it listens to {@code tracing}'s events, and shows itself through the
 * {@code statusOutbox} health and the {@code pipelinelens.status.*} metrics.
 */
package io.pipelinelens.sensemaker.status;
