package dev.baton.executor;

import dev.baton.flow.BatonException;

/**
 * Recorded (and stored by {@code @Catch}) when {@code @Timeout} stopped a step's attempt; the attempt's outcome
 * is {@code TIMED_OUT} and {@code baton step} exits with {@link ExitCodes#TIMED_OUT}.
 */
public class StepTimeoutException extends BatonException {
    private static final long serialVersionUID = 1L;

    public StepTimeoutException(String message) {
        super(message);
    }
}
