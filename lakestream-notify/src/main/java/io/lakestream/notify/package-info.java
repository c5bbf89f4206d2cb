/**
 * Delivers {@link io.lakestream.api.alert.AlertEvent alerts} to people: signed JSON webhooks,
 * Slack-compatible incoming webhooks and the log.
 *
 * <p>The entry point is {@link io.lakestream.notify.Notifier#create}: it takes one {@link
 * io.lakestream.notify.ChannelConfig} per channel ({@link io.lakestream.notify.WebhookConfig},
 * {@link io.lakestream.notify.SlackConfig}, {@link io.lakestream.notify.LogConfig}) and a {@link
 * io.lakestream.notify.DeliveryListener} that hears every outcome. {@link
 * io.lakestream.notify.Notifier#submit} never blocks: each channel has its own bounded queue,
 * worker threads and retry schedule, so a slow receiver delays only its own channel.
 *
 * <p>Every HTTP target passes {@link io.lakestream.notify.TargetGuard}, which refuses loopback,
 * private, link-local and other internal addresses unless the channel allows them explicitly.
 */
package io.lakestream.notify;
