package dev.baton.executor.internal;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.TaskState;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A join's {@link Inputs}: one flow instance per parent task, created on first access and bound to that parent's
 * artifacts (each loaded on first read when the class is enhanced). Comparing artifacts for
 * {@code mergeArtifacts*} uses only the parents' recorded keys: no instance is created and no byte loaded.
 */
final class ParentInputs<T extends FlowSpec> implements Inputs<T> {
    private final List<TaskState> parents;
    private final IntFunction<T> factory;
    private final AtomicReferenceArray<T> instances;

    ParentInputs(List<TaskState> parents, IntFunction<T> factory) {
        this.parents = List.copyOf(parents);
        this.factory = factory;
        this.instances = new AtomicReferenceArray<>(parents.size());
    }

    List<Map<String, ArtifactRef>> artifactRefs() {
        return parents.stream().map(p -> p.data().artifacts()).toList();
    }

    TaskPath pathOf(int index) {
        return parents.get(index).path();
    }

    @Override
    public int size() {
        return parents.size();
    }

    @Override
    public T get(int index) {
        T t = instances.get(index);
        if (t == null) {
            T made = factory.apply(index);
            t = instances.compareAndExchange(index, null, made);
            if (t == null) {
                t = made;
            }
        }
        return t;
    }

    @Override
    public T step(String stepName) {
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < parents.size(); i++) {
            String s = parents.get(i).path().step();
            if (s.equals(stepName)) {
                return get(i);
            }
            steps.add(s);
        }
        throw new IllegalArgumentException("no input of this join comes from step '" + stepName + "'; the inputs come from "
                + steps);
    }

    @Override
    public Stream<T> stream() {
        return IntStream.range(0, size()).mapToObj(this::get);
    }

    @Override
    public List<T> asList() {
        return new AbstractList<>() {
            @Override
            public T get(int index) {
                return ParentInputs.this.get(index);
            }

            @Override
            public int size() {
                return ParentInputs.this.size();
            }
        };
    }

    @Override
    public Iterator<T> iterator() {
        return asList().iterator();
    }
}
