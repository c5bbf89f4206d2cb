package io.lakestream.api.config.internal;

import org.yaml.snakeyaml.nodes.Node;

/**
 * A scalar value of a pipeline file after variable expansion, with the node it came from so that
 * later checks can point at it.
 *
 * @param text the value, variables expanded
 * @param node the YAML node, for its position
 * @param path the YAML path, e.g. {@code sources.sensors.key}
 */
public record Scalar(String text, Node node, String path) {}
