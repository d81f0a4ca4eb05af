package dev.baton.stepfunctions.asl;

import java.util.Objects;

/** Where a state goes when it is done: another state ({@code "Next"}) or the end of its scope ({@code "End"}). */
public sealed interface Next {
    /** {@code "Next": state}. */
    record Goto(String state) implements Next {
        public Goto {
            Objects.requireNonNull(state, "state");
        }
    }

    /** {@code "End": true}: ends the machine, or the Parallel branch / Map iteration the state is in. */
    record End() implements Next {}

    /** {@code "Next": state}. */
    static Next to(String state) {
        return new Goto(state);
    }

    /** {@code "End": true}. */
    static Next end() {
        return new End();
    }
}
