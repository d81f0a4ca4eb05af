package dev.baton.datastore.meta;

import dev.baton.datastore.ArtifactRef;
import java.util.List;
import java.util.Map;

/**
 * {@code <attempt>.data.json}: what the attempt holds, by reference.
 *
 * @param artifacts artifact name to stored value, every artifact the task holds (inherited ones by key)
 * @param foreachStack the enclosing foreach frames of this task, outermost first
 * @param foreachItems for a foreach split: the key of each element of the list it splits, in order, so that a
 *     child loads only its own element
 */
public record TaskData(Map<String, ArtifactRef> artifacts, List<Frame> foreachStack, List<ArtifactRef> foreachItems) {

    public TaskData {
        artifacts = artifacts == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(artifacts));
        foreachStack = foreachStack == null ? List.of() : List.copyOf(foreachStack);
        foreachItems = foreachItems == null ? List.of() : List.copyOf(foreachItems);
    }

    /**
     * One enclosing foreach.
     *
     * @param step the split step
     * @param splitTask the split task's id
     * @param index this branch's index
     * @param count the split's cardinality
     * @param itemKey the element's content key
     */
    public record Frame(String step, String splitTask, int index, int count, String itemKey) {}
}
