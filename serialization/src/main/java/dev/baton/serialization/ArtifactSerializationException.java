package dev.baton.serialization;

import dev.baton.flow.BatonException;

/** A value that cannot be serialized or deserialized; the message names the artifact and the class. */
public class ArtifactSerializationException extends BatonException {
    private static final long serialVersionUID = 1L;

    public ArtifactSerializationException(String message) {
        super(message);
    }

    public ArtifactSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
