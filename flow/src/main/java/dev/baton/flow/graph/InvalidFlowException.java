package dev.baton.flow.graph;

import dev.baton.flow.BatonException;
import java.util.List;
import java.util.stream.Collectors;

/** A flow whose graph is invalid; lists every problem found, each naming its step. Exit code 4. */
public class InvalidFlowException extends BatonException {
    private static final long serialVersionUID = 1L;
    private final String flowName;
    private final transient List<GraphError> errors;

    public InvalidFlowException(String flowName, List<GraphError> errors) {
        super(format(flowName, errors));
        this.flowName = flowName;
        this.errors = List.copyOf(errors);
    }

    private static String format(String flowName, List<GraphError> errors) {
        return "flow " + flowName + " is invalid (" + errors.size() + (errors.size() == 1 ? " problem" : " problems")
                + "):" + errors.stream().map(e -> "\n  - " + e).collect(Collectors.joining());
    }

    public String flowName() {
        return flowName;
    }

    /** Every problem found, in a stable order. */
    public List<GraphError> errors() {
        return errors;
    }
}
