package dev.baton.executor.internal.codepackage;

import dev.baton.flow.ConfigurationException;

/**
 * A code package that cannot be used: not found, failing its hash check, or malformed. Retrying the task will not
 * help (a configuration error, exit code 2): the package has to be rebuilt and uploaded with {@code baton package}.
 */
public class CodePackageException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    public CodePackageException(String message) {
        super(message);
    }

    public CodePackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
