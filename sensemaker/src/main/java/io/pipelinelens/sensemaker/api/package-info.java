/**
 * API: what the sensemaker serves to people and the dashboard. A small JSON view of stored runs,
 * and the GraphQL API (schema in {@code graphql/schema.graphqls}) that grows into the full API.
 *
 * <p>Authentication (roadmap 4) plugs in here as Spring Security in front of {@code /graphql}
 * and {@code /api/**}; the controllers stay as they are.
 */
package io.pipelinelens.sensemaker.api;
