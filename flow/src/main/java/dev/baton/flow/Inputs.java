package dev.baton.flow;

import java.util.List;
import java.util.stream.Stream;

/**
 * The parents of a join step. Each element is an instance of the flow holding that parent task's artifacts,
 * loaded lazily on first access. After a foreach, the elements are in foreach-index order; after a static
 * branch, in the order the branches are declared, and {@link #step(String)} picks one by step name.
 *
 * @param <T> the flow class
 */
public interface Inputs<T extends FlowSpec> extends Iterable<T> {
    /** The number of parent tasks. */
    int size();

    /** The parent at {@code index} (foreach index after a foreach). */
    T get(int index);

    /** The parent whose last step before the join is {@code stepName} (static branches). */
    T step(String stepName);

    /** The parents, in order. */
    Stream<T> stream();

    /** The parents, in order, as a list. */
    List<T> asList();
}
