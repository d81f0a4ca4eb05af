package dev.baton.flow.graph;

import java.util.List;
import java.util.Map;

/**
 * How a step leaves: the closed set of transitions a {@link StepNode} can declare. Whether a step is a
 * <em>join</em> is about how it is entered ({@link StepNode#join()}), so it is orthogonal to this: a join may
 * itself be linear, a branch, a foreach, ...
 */
public sealed interface Transition {
    /** The steps this transition may go to, in declaration order. */
    List<String> targets();

    /** {@code next = "b"}. */
    record Linear(String next) implements Transition {
        @Override
        public List<String> targets() {
            return List.of(next);
        }
    }

    /** {@code next = {"a", "b", ...}}: every target runs, and they meet at a join. */
    record Branch(List<String> next) implements Transition {
        public Branch {
            next = List.copyOf(next);
        }

        @Override
        public List<String> targets() {
            return next;
        }
    }

    /** {@code next = "body", foreach = "field"}: one task of {@code next} per element of {@code field}. */
    record Foreach(String next, String field) implements Transition {
        @Override
        public List<String> targets() {
            return List.of(next);
        }
    }

    /**
     * {@code condition = "field", cases = {...}}: exactly one target runs, chosen by the value of {@code field}.
     *
     * @param cases case value to step, in declaration order
     */
    record Switch(String field, Map<String, String> cases) implements Transition {
        public Switch {
            cases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cases));
        }

        @Override
        public List<String> targets() {
            return cases.values().stream().distinct().toList();
        }
    }

    /** {@code next = "worker", numParallel = n}: a gang of {@code n} tasks of {@code next}. */
    record Parallel(String next, int numParallel) implements Transition {
        @Override
        public List<String> targets() {
            return List.of(next);
        }
    }

    /** The {@code end} step. */
    record End() implements Transition {
        @Override
        public List<String> targets() {
            return List.of();
        }
    }
}
