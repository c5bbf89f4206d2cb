/**
 * The {@code mqtt} source: {@link io.lakestream.source.mqtt.MqttBroker}, the embedded broker that
 * serves every embedded-mode mqtt source of a pipeline, and {@link
 * io.lakestream.source.mqtt.MqttClientSource}, which subscribes to an external broker.
 */
package io.lakestream.source.mqtt;
