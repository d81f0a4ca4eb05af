package dev.baton.datastore.spi;

import dev.baton.flow.BatonException;

/** No object at the path; the message names the root and the path. */
public class ObjectNotFoundException extends BatonException {
    private static final long serialVersionUID = 1L;
    private final String path;

    public ObjectNotFoundException(String root, String path) {
        super("no object " + path + " under " + root);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
