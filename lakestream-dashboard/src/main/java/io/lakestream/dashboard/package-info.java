/**
 * The live dashboard: {@link io.lakestream.dashboard.Dashboard} serves an offline single-page view
 * of a running pipeline (diagram, figures, charts of window aggregates, alerts, rejected records,
 * SQL console, search) and pushes snapshots to it over Server-Sent Events.
 */
package io.lakestream.dashboard;
