/**
 * Schema compatibility for the Lakestream schema registry: parsing Avro and JSON Schema documents
 * under strict limits ({@link io.lakestream.registry.compat.ParsedSchema}) and judging a proposed
 * version against existing ones ({@link io.lakestream.registry.compat.CompatibilityChecker}).
 */
package io.lakestream.registry.compat;
