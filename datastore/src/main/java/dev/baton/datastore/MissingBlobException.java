package dev.baton.datastore;

import dev.baton.flow.BatonException;

/** Metadata names a blob that is not in the datastore; the message names the artifact, task and key. */
public class MissingBlobException extends BatonException {
    private static final long serialVersionUID = 1L;

    public MissingBlobException(String message) {
        super(message);
    }
}
