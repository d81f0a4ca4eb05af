package dev.baton.flow;

/** A usage or configuration error: a bad option, parameter, path or setting. Retrying will not help. */
public class ConfigurationException extends BatonException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
