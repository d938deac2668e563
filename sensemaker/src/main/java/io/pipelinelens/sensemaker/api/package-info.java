/**
 * API: what the sensemaker serves to people and the dashboard. A small JSON view of stored runs
 * today; the GraphQL API grows here.
 */
package io.pipelinelens.sensemaker.api;
