package dev.baton.flow;

/** A platform or datastore failure that is worth a retry (exit code 3 of {@code baton step}). */
public class TransientFailureException extends BatonException {
    private static final long serialVersionUID = 1L;

    public TransientFailureException(String message) {
        super(message);
    }

    public TransientFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
