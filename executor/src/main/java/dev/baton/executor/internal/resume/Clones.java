package dev.baton.executor.internal.resume;

import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.TaskPosition;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes a clone of a finished, successful task: metadata only, pointing at the same blob keys (zero blob
 * copies), recording where it came from. Written in the datastore's order: attempt, data, done last.
 */
final class Clones {
    /** Key of {@code AttemptRecord.environment} naming the task a clone was made from. */
    static final String ORIGIN_KEY = "baton.origin";

    private static final String HOST = host();

    private Clones() {}

    /**
     * @param source the task to clone (must have succeeded)
     * @param target where the clone goes (attempt 0)
     * @param newInputs the clone's parents, as {@code run/step/task}
     * @param splitTaskOf maps a split task of the source's run to the task standing for it in the target's run
     */
    static void write(FlowDatastore datastore, TaskState source, TaskPath target, List<String> newInputs,
            UnaryOperator<TaskPath> splitTaskOf) {
        Instant now = Instant.now();
        String originPathspec = datastore.flowName() + "/" + source.path();
        Map<String, String> environment = new LinkedHashMap<>();
        String position = source.attemptRecord() == null ? null
                : source.attemptRecord().environment().get(TaskPosition.ATTEMPT_KEY);
        if (position != null) {
            environment.put(TaskPosition.ATTEMPT_KEY, position);
        }
        environment.put(ORIGIN_KEY, originPathspec);
        Integer splitIndex = source.attemptRecord() == null ? null : source.attemptRecord().splitIndex();
        datastore.writeAttempt(target, new AttemptRecord(0, now, HOST, ProcessHandle.current().pid(), newInputs,
                splitIndex, environment));
        TaskData data = source.data();
        List<TaskData.Frame> frames = new ArrayList<>();
        for (TaskData.Frame f : data.foreachStack()) {
            // a frame names its split task by id; in the target run, that is the task standing for the split
            TaskPath split = splitTaskOf.apply(new TaskPath(source.path().runId(), f.step(), f.splitTask()));
            String splitTask = split == null ? f.splitTask() : split.taskId();
            frames.add(new TaskData.Frame(f.step(), splitTask, f.index(), f.count(), f.itemKey()));
        }
        datastore.writeData(target, 0, new TaskData(data.artifacts(), frames, data.foreachItems()));
        DoneRecord done = source.done();
        datastore.writeDone(target, 0, new DoneRecord(0, DoneRecord.Outcome.SUCCEEDED, now, Instant.now(), done.next(),
                done.foreachCardinality(), done.switchValue(), done.error(), originPathspec));
    }

    static String host() {
        String name = System.getenv("HOSTNAME");
        if (name != null && !name.isBlank()) {
            return name;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
