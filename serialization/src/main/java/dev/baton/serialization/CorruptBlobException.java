package dev.baton.serialization;

import dev.baton.flow.BatonException;

/** A damaged, truncated or foreign blob; the message names the artifact and the key. Never a wrong value. */
public class CorruptBlobException extends BatonException {
    private static final long serialVersionUID = 1L;

    public CorruptBlobException(String message) {
        super(message);
    }

    public CorruptBlobException(String message, Throwable cause) {
        super(message, cause);
    }
}
