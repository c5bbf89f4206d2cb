/**
 * Table upkeep for the lake: compaction of the small files a streaming job commits every
 * checkpoint, manifest rewrite, snapshot expiry and orphan-file cleanup, done by Iceberg's own
 * engines (the Flink rewrite action, Iceberg core, and Iceberg's Flink maintenance API).
 *
 * <p>{@link io.lakestream.jobs.maintain.LakeMaintenance#run} is the one-shot pass behind a {@code
 * maintain} command; {@link io.lakestream.jobs.maintain.LakeMaintenance#attach} adds continuous
 * maintenance to a streaming job. Both are configured by {@link
 * io.lakestream.jobs.maintain.MaintenanceConfig}; {@link io.lakestream.jobs.maintain.LockSettings}
 * says where the maintenance locks live.
 */
package io.lakestream.jobs.maintain;
