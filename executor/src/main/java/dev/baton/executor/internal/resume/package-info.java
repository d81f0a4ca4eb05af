/**
 * {@code baton resume} and {@code baton rerun}.
 *
 * <p><b>Resume</b> starts a new run of the flow through the local runtime with a {@link
 * dev.baton.executor.TaskReuse} hook ({@link ReuseHook}). Before the runtime launches a task it asks the hook;
 * the hook looks up the origin run's task at the same {@link dev.baton.executor.TaskPosition} (step, foreach
 * and gang indices at every depth, loop iteration; never the task id) and clones it when
 * <ul>
 *   <li>it succeeded in the origin,</li>
 *   <li>its step is not the step the user resumes from, and</li>
 *   <li>every one of its origin parents was itself cloned into the new run (so its inputs are unchanged).</li>
 * </ul>
 * The last rule is what makes "everything from STEP on runs again": a task downstream of anything that runs
 * again runs again too, while succeeded tasks beside it (the other children of a foreach where one child
 * failed, a parallel branch that succeeded) are reused. Without a STEP, the failed tasks are the ones that run
 * again, with everything downstream of them.
 *
 * <p>A clone is metadata only: an {@code attempt.json}, a {@code data.json} naming the origin's blob keys (zero
 * blob copies) and a {@code done.json} recording the origin task ({@code originPathspec}). Logs are not copied;
 * the client shows the origin's. The run's parameters are the origin's, by key.
 *
 * <p><b>Rerun</b> executes one recorded task again with its recorded inputs, split index and the run's
 * parameters, as the next attempt of that task, or with {@code --as-new-run} in a new run into which its parents
 * are cloned first.
 */
package dev.baton.executor.internal.resume;
