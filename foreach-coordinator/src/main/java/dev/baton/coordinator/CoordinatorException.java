package dev.baton.coordinator;

import dev.baton.flow.BatonException;

/** A coordination record conflicts with what is recorded, or the coordinator's store is misconfigured. */
public class CoordinatorException extends BatonException {
    private static final long serialVersionUID = 1L;

    public CoordinatorException(String message) {
        super(message);
    }

    public CoordinatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
