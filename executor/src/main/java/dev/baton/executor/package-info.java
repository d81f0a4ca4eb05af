/**
 * Running flows: one task ({@link dev.baton.executor.TaskExecutor}, what {@code baton step} and a Batch
 * container run) and whole flows on one machine ({@link dev.baton.executor.LocalRuntime}, {@code baton run}).
 *
 * <h2>One task</h2>
 * A {@link dev.baton.executor.TaskRequest} names the step, run, task id, parents
 * ({@link dev.baton.executor.TaskInputs}: none for {@code start}, a comma list {@code run/step/t1,run/step/t2} or
 * the compact {@code run/step/:t1,t2}, or for a foreach/gang join {@code --input-paths run/split/task
 * --join-split}, whose children the foreach coordinator lists in index order), the foreach index and the attempt.
 * The task reads each parent's latest finished attempt (it must have SUCCEEDED), builds a fresh flow instance bound
 * to a task context, runs the step on a thread of its own (so {@code @Timeout} and interruption can stop it),
 * records the transition and persists its artifacts. Write order: blobs, the attempt's {@code data.json}, the
 * coordinator records, logs, and {@code done.json} last; a killed process leaves no {@code done.json}.
 * Exit codes: {@link dev.baton.executor.ExitCodes}.
 *
 * <h2>Artifacts</h2>
 * Flow classes loaded through the enhancing class loader ({@code internal.enhance}) load each artifact field on
 * its first read: a foreach child loads only its own item (the split stores every item as its own blob and
 * records the keys in {@code TaskData.foreachItems}), a join's {@code Inputs} create each parent's instance on
 * first access and load each field on first read, and an artifact that a step neither reads nor writes is passed
 * on by key, unloaded and not serialized again. A field that was read may have been mutated in place, so it is
 * serialized again and its content key tells whether it changed. A flow class that was not enhanced still runs:
 * its fields are then all loaded before the step. {@code mergeArtifacts*} compare parents by key only.
 * Parameters are stored once per run ({@code RunRecord.parameters}) and are read-only in every step.
 * {@code transient} and {@code static} fields are never persisted.
 *
 * <h2>Thread isolation</h2>
 * Tasks share the JVM. Each step's {@code System.out}/{@code System.err} are captured by thread (the step's
 * thread and the threads it starts; not pools created elsewhere, such as the common fork-join pool behind
 * parallel streams) and shown live with a {@code [step/task]} prefix. The environment of a JVM cannot change, so a
 * step with {@code @Environment} runs as a child process even in thread isolation (its variables are real). A step
 * that ignores interruption when its {@code @Timeout} expires is recorded TIMED_OUT and its thread abandoned.
 *
 * <h2>Resume</h2>
 * Every task of a local run has a {@link dev.baton.executor.TaskPosition} (step, foreach/gang indices, loop
 * iteration), recorded in its attempt metadata; {@link dev.baton.executor.TaskReuse} lets resume supply a finished
 * task of an origin run for a position instead of running it.
 */
package dev.baton.executor;
