package dev.baton.coordinator.internal;

import dev.baton.coordinator.CoordinatorException;
import dev.baton.coordinator.IncompleteJoinException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Turns the registrations read from a store into the join's inputs, with the same checks everywhere. */
final class Joins {
    private Joins() {}

    /**
     * The task pathspecs in foreach-index order.
     *
     * @param registrations index to task pathspec, as read (one entry per index by construction of both stores)
     * @throws IncompleteJoinException when an index in {@code 0..cardinality-1} has no registration
     * @throws CoordinatorException when an index outside {@code 0..cardinality-1} registered: the branches do not
     *     belong to the split as recorded, which no retry will fix
     */
    static List<String> ordered(String splitPathspec, int cardinality, Map<Integer, String> registrations) {
        String[] byIndex = new String[cardinality];
        TreeSet<Integer> outside = new TreeSet<>();
        registrations.forEach((index, task) -> {
            if (index < 0 || index >= cardinality) {
                outside.add(index);
            } else {
                byIndex[index] = task;
            }
        });
        if (!outside.isEmpty()) {
            throw new CoordinatorException("foreach split " + splitPathspec + " recorded cardinality " + cardinality
                    + " but branches registered indices outside 0.." + (cardinality - 1) + ": "
                    + abbreviate(List.copyOf(outside)) + "; the registrations belong to a different split attempt"
                    + " or the split's items changed: re-run the split step");
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < cardinality; i++) {
            if (byIndex[i] == null) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            throw new IncompleteJoinException(splitPathspec, cardinality, missing);
        }
        return List.copyOf(Arrays.asList(byIndex));
    }

    private static String abbreviate(List<Integer> indices) {
        return indices.size() <= 20 ? indices.toString()
                : indices.subList(0, 20).toString().replace("]", ", ...]");
    }
}
