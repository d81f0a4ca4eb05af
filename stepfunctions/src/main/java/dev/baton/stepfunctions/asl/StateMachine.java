package dev.baton.stepfunctions.asl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A state machine definition (JSONPath query language).
 *
 * @param comment its {@code Comment}
 * @param startAt the first state
 * @param states every top-level state by name, in emission order
 * @param timeoutSeconds the execution's {@code TimeoutSeconds}, if any
 */
public record StateMachine(String comment, String startAt, Map<String, State> states, Optional<Integer> timeoutSeconds) {
    public StateMachine {
        states = Collections.unmodifiableMap(new LinkedHashMap<>(states));
        if (!states.containsKey(startAt)) {
            throw new IllegalArgumentException("StartAt " + startAt + " names no state of " + states.keySet());
        }
    }

    /** The definition as stable, pretty JSON ({@link AslJson#write}). */
    public String toJson() {
        return AslJson.write(this);
    }
}
