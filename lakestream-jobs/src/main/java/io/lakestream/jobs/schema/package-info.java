/**
 * The job's view of the schema registry: which registered version each source validates against,
 * and how the job follows versions registered while it runs.
 */
package io.lakestream.jobs.schema;
