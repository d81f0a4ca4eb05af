package dev.baton.client;

import dev.baton.flow.ConfigurationException;

/**
 * What was asked for (flow, run, step, task, artifact, attempt) is not in the datastore, or not in the client's
 * namespace. The message names it and lists what does exist. A usage error: asking again will not help.
 */
public class NotFoundException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
