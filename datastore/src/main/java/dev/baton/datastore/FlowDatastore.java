package dev.baton.datastore;

import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The datastore of one flow: its content-addressed blobs and the run and task metadata that point at them,
 * laid out as in DESIGN.md under {@code <root>/<Flow>/}. Metadata is JSON. Thread-safe.
 *
 * <p>Write order is the contract that makes crashes safe: blobs before the {@code data.json} that names them,
 * and {@code done.json} last.
 */
public interface FlowDatastore extends AutoCloseable {

    String flowName();

    /** The root as the user gave it ({@code .baton}, {@code s3://bucket/prefix}). */
    String root();

    ContentStore blobs();

    void writeRun(RunRecord run);

    Optional<RunRecord> readRun(String runId);

    /** Every run id of this flow, in no particular order. */
    List<String> runIds();

    /** The steps of a run that have at least one task. */
    List<String> steps(String runId);

    /** The task ids of a step. */
    List<String> tasks(String runId, String step);

    void writeAttempt(TaskPath task, AttemptRecord attempt);

    void writeData(TaskPath task, int attempt, TaskData data);

    /** Written last: after this, the attempt is finished. */
    void writeDone(TaskPath task, int attempt, DoneRecord done);

    /** Reads a task's latest finished attempt (see {@link TaskState}); empty when the task never started. */
    Optional<TaskState> readTask(TaskPath task);

    /** Stores a log of an attempt ({@code stdout} or {@code stderr}). */
    void writeLog(TaskPath task, int attempt, LogStream stream, InputStream content);

    /** Opens a stored log, or empty when there is none. */
    Optional<InputStream> openLog(TaskPath task, int attempt, LogStream stream);

    @Override
    void close();

    /** The two logs of an attempt. */
    enum LogStream {
        STDOUT("stdout"),
        STDERR("stderr");

        private final String suffix;

        LogStream(String suffix) {
            this.suffix = suffix;
        }

        public String suffix() {
            return suffix;
        }
    }
}
