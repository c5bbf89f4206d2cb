/**
 * Helpers behind {@link io.lakestream.api.config.PipelineLoader}: reading YAML node trees with
 * positions, variable substitution, duration and size parsing, and schema file checks.
 *
 * <p>Not a stable API: other modules should use {@code PipelineLoader} and the config records.
 */
package io.lakestream.api.config.internal;
