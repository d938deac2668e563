/**
 * The Pipeline Lens event catalog: every CloudEvent type that crosses a service boundary, where it
 * travels, and the rules for its {@code id}, {@code source}, {@code subject} and routing. The JSON
 * Schemas and samples live beside these classes under {@code catalog/} on the classpath.
 *
 * <p>This is the only code shared between services. It has no runtime dependencies on purpose.
 */
package io.pipelinelens.contracts;
