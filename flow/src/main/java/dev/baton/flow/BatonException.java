package dev.baton.flow;

/**
 * The root of Baton's exceptions. Every failure that Baton itself raises is one of its subtypes, and each
 * message names the thing at fault (step, artifact, task, key, option) and what to do.
 */
public class BatonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BatonException(String message) {
        super(message);
    }

    public BatonException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when retrying the same operation may succeed (network, throttling, a platform hiccup). */
    public boolean isTransient() {
        return false;
    }
}
