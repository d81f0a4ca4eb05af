package dev.baton.datastore;

import dev.baton.flow.BatonException;

/**
 * A metadata object ({@code _run.json}, {@code attempt.json}, {@code data.json}, {@code done.json}) that cannot be
 * parsed; the message names the object and the datastore root.
 */
public class CorruptMetadataException extends BatonException {
    private static final long serialVersionUID = 1L;

    public CorruptMetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
