package dev.baton.serialization;

/** A blob names a class outside the decoding allowlist; nothing of that class was instantiated. */
public class DisallowedClassException extends ArtifactSerializationException {
    private static final long serialVersionUID = 1L;

    public DisallowedClassException(String message) {
        super(message);
    }
}
