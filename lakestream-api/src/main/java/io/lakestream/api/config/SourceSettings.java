package io.lakestream.api.config;

import java.io.Serializable;

/**
 * The type-specific block of a source ({@code syslog:}, {@code fluent:}, {@code mqtt:}, {@code
 * postgres_cdc:}, {@code kafka:}); {@code http} and {@code http_lines} sources have none.
 */
public sealed interface SourceSettings extends Serializable
    permits SyslogSettings, FluentSettings, MqttSettings, CdcSettings, KafkaSourceSettings {}
