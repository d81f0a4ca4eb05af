/**
 * AWS Batch from a local run ({@code baton run --with batch}): {@link dev.baton.executor.internal.batch.BatchLauncher}
 * is the local runtime's third launcher kind. For each attempt of a step it runs remotely it registers the step's
 * job definition when its content changed (a content hash kept as a tag), submits a job whose command is the
 * attempt's {@code baton step ...} and whose environment names the flow, the S3 datastore and the code package,
 * polls DescribeJobs with backoff showing status transitions (and why a job may sit in RUNNABLE; one call for up to
 * 100 jobs in flight, {@link dev.baton.executor.internal.batch.JobPoller}), terminates the
 * job on Ctrl-C, and afterwards reads the outcome and the job's logs from the datastore, where the executor stored
 * them with the attempt.
 */
package dev.baton.executor.internal.batch;
