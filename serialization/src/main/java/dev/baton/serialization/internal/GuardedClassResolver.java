package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.IntMap;

/**
 * Kryo's class resolver with the {@link Allowlist} in front of every class: a class name read from a blob is
 * checked before anything loads it (Kryo's own resolver would {@code Class.forName} it, and fall back to Kryo's
 * loader), and every class Kryo meets for the first time, writing or reading, is checked before it gets a
 * serializer.
 */
final class GuardedClassResolver extends DefaultClassResolver {
    private final Allowlist allowlist;
    private final IntMap<Class<?>> namesRead = new IntMap<>();

    GuardedClassResolver(Allowlist allowlist) {
        this.allowlist = allowlist;
    }

    @Override
    @SuppressWarnings("rawtypes") // Kryo's signature
    public Registration registerImplicit(Class type) {
        String refusal = allowlist.refusal(type);
        if (refusal != null) {
            throw new RefusedClassException(type.getName(), refusal, false);
        }
        return super.registerImplicit(type);
    }

    @Override
    protected Registration readName(Input input) {
        int nameId = input.readVarInt(true);
        Class<?> type = namesRead.get(nameId);
        if (type == null) {
            String className = input.readString();
            if (className == null) {
                throw new KryoException("a class name is missing");
            }
            try {
                type = allowlist.resolve(className);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new KryoException("class " + className + " is not available to the flow's class loader", e);
            }
            if (type == null) {
                throw new RefusedClassException(className, "it is not on the deserialization allowlist", true);
            }
            namesRead.put(nameId, type);
        }
        return kryo.getRegistration(type);
    }

    @Override
    public void reset() {
        super.reset();
        namesRead.clear();
    }

    /**
     * A class outside the allowlist. A {@link KryoException} so that Kryo's serializers add the field path to it
     * on the way out.
     */
    static final class RefusedClassException extends KryoException {
        private static final long serialVersionUID = 1L;
        final String className;
        final String reason;
        final boolean reading;

        RefusedClassException(String className, String reason, boolean reading) {
            super("class " + className + ": " + reason);
            this.className = className;
            this.reason = reason;
            this.reading = reading;
        }
    }
}
