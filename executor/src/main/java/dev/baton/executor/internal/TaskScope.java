package dev.baton.executor.internal;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.TaskData;
import dev.baton.flow.Current;
import dev.baton.flow.ForeachFrame;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one task (the running one, or a parent seen through a join's {@code Inputs}) knows about where it stands:
 * its path, its foreach/gang frames, the datastore to load from. Frame items are loaded on first use only.
 */
final class TaskScope {
    private final FlowGraph graph;
    private final FlowDatastore datastore;
    private final TaskPath path;
    private final Current current;
    private final List<TaskData.Frame> frames;
    private final Map<Integer, Object> itemCache = new ConcurrentHashMap<>();

    TaskScope(FlowGraph graph, FlowDatastore datastore, TaskPath path, Current current, List<TaskData.Frame> frames) {
        this.graph = graph;
        this.datastore = datastore;
        this.path = path;
        this.current = current;
        this.frames = List.copyOf(frames);
    }

    FlowGraph graph() {
        return graph;
    }

    FlowDatastore datastore() {
        return datastore;
    }

    TaskPath path() {
        return path;
    }

    Current current() {
        return current;
    }

    List<TaskData.Frame> frames() {
        return frames;
    }

    String pathspec() {
        return datastore.flowName() + "/" + path;
    }

    /** Loads an artifact value by key, naming it and this task in errors. */
    Object load(String artifact, ArtifactRef ref) {
        return datastore.blobs().get("artifact '" + artifact + "' of " + pathspec(), ref.key());
    }

    private boolean isGang(TaskData.Frame f) {
        return graph.step(f.step()).transition() instanceof Transition.Parallel;
    }

    private Object item(int frameIndex) {
        TaskData.Frame f = frames.get(frameIndex);
        return itemCache.computeIfAbsent(frameIndex, i -> datastore.blobs().get(
                "foreach item " + f.index() + " of " + f.step() + " (" + datastore.flowName() + "/" + path.runId() + "/"
                        + f.step() + "/" + f.splitTask() + ") in " + pathspec(), f.itemKey()));
    }

    Object input() {
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (!isGang(frames.get(i))) {
                return item(i);
            }
        }
        throw new IllegalStateException("input() in step '" + path.step() + "': the step is not inside a foreach");
    }

    int index() {
        if (frames.isEmpty()) {
            throw new IllegalStateException("index() in step '" + path.step()
                    + "': the step is not inside a foreach or a numParallel gang");
        }
        return frames.get(frames.size() - 1).index();
    }

    List<ForeachFrame> foreachStack() {
        List<ForeachFrame> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            TaskData.Frame f = frames.get(i);
            if (isGang(f)) {
                continue;
            }
            int at = i;
            out.add(new ForeachFrame() {
                @Override
                public String stepName() {
                    return f.step();
                }

                @Override
                public int index() {
                    return f.index();
                }

                @Override
                public int count() {
                    return f.count();
                }

                @Override
                public Object value() {
                    return item(at);
                }

                @Override
                public String toString() {
                    return f.step() + "[" + f.index() + "/" + f.count() + "]";
                }
            });
        }
        return List.copyOf(out);
    }
}
