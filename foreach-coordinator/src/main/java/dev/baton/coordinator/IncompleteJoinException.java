package dev.baton.coordinator;

import dev.baton.flow.TransientFailureException;
import java.util.List;

/** A join asked for its inputs before every foreach branch registered; worth a retry. */
public class IncompleteJoinException extends TransientFailureException {
    private static final long serialVersionUID = 1L;
    private final transient List<Integer> missing;

    public IncompleteJoinException(String splitPathspec, int cardinality, List<Integer> missing) {
        super("join of " + splitPathspec + " is incomplete: " + missing.size() + " of " + cardinality
                + " foreach branches have not registered (missing indices " + abbreviate(missing)
                + "); retry once they finish");
        this.missing = List.copyOf(missing);
    }

    private static String abbreviate(List<Integer> missing) {
        return missing.size() <= 20 ? missing.toString()
                : missing.subList(0, 20).toString().replace("]", ", ...]");
    }

    /** The foreach indices with no registration, ascending (empty after deserialization). */
    public List<Integer> missing() {
        return missing == null ? List.of() : missing;
    }
}
