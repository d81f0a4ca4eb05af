package dev.baton.executor.internal.enhance;

import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The executor's view of a flow class's artifact fields: which they are, and raw get/set that never call the
 * {@code beforeRead}/{@code afterWrite} hooks and never change tracking (plain reflection is not rewritten
 * either; this caches the fields and names the field and class in errors), plus the per-instance tracking state
 * of an enhanced class.
 *
 * <p>Artifact fields are the non-static, non-transient, non-synthetic instance fields declared by the flow class
 * and its superclasses below {@link FlowSpec}, superclass fields first, each in declaration order (the order
 * the class file keeps, which is source order with javac). Two artifact fields with the same name (a subclass
 * hiding a superclass field) are rejected, since artifacts are stored by name.
 *
 * <p>Instances are cached per class and thread-safe. Reading or setting a field while user code of the same
 * task writes it on another thread is a data race, as with any plain field.
 */
public final class FieldAccess {
    /** What a task did with one artifact field of one instance, as the enhanced bytecode tracked it. */
    public enum State {
        /** Neither read nor written since the context was bound (or since the last reset): pass it on by key. */
        UNTOUCHED,
        /** Read (so loaded) but not assigned: it may have been mutated in place, so re-serialize to know. */
        LOADED,
        /** Assigned at least once: persist the new value. */
        WRITTEN
    }

    private static final ClassValue<FieldAccess> CACHE = new ClassValue<>() {
        @Override
        protected FieldAccess computeValue(Class<?> type) {
            return new FieldAccess(type.asSubclass(FlowSpec.class));
        }
    };

    /** The artifact field and, in an enhanced class, its tracking byte; both accessible. */
    private record Handles(Field field, Field state) {}

    private final Class<? extends FlowSpec> flowClass;
    private final boolean enhanced;
    private final Map<String, Handles> fields;
    private final List<String> names;

    private FieldAccess(Class<? extends FlowSpec> flowClass) {
        this.flowClass = flowClass;
        this.enhanced = EnhancedFlow.class.isAssignableFrom(flowClass);
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = flowClass; c != FlowSpec.class && c != null; c = c.getSuperclass()) {
            chain.add(c);
        }
        Collections.reverse(chain);
        Map<String, Handles> byName = new LinkedHashMap<>();
        // Core reflection rather than method handles: a `baton step` process is short-lived, and spinning
        // method-handle adapters for every field costs ~100 ms of a cold JVM, more than all the accesses save.
        try {
            for (Class<?> c : chain) {
                for (Field f : c.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic()) {
                        continue;
                    }
                    Handles previous = byName.get(f.getName());
                    if (previous != null) {
                        throw new ConfigurationException("artifact field '" + f.getName() + "' of " + c.getName()
                                + " hides the artifact field of the same name in "
                                + previous.field().getDeclaringClass().getName()
                                + ": artifacts are stored by name, so rename one of them (or make one transient)");
                    }
                    f.setAccessible(true);
                    Field state = null;
                    if (enhanced) {
                        state = c.getDeclaredField(FlowEnhancer.STATE_PREFIX + f.getName());
                        state.setAccessible(true);
                    }
                    byName.put(f.getName(), new Handles(f, state));
                }
            }
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("cannot find the tracking field of " + flowClass.getName()
                    + " (was it enhanced by a different Baton version?)", e);
        }
        this.fields = Collections.unmodifiableMap(byName);
        this.names = List.copyOf(byName.keySet());
    }

    /**
     * The field access of {@code flowClass}.
     *
     * @throws ConfigurationException when two artifact fields share a name
     */
    public static FieldAccess of(Class<? extends FlowSpec> flowClass) {
        return CACHE.get(flowClass);
    }

    /** The flow class. */
    public Class<? extends FlowSpec> flowClass() {
        return flowClass;
    }

    /**
     * Whether the class was enhanced (loaded through {@link FlowClassLoading}): only then are its fields loaded
     * lazily through the hooks, and only then do the tracking methods work.
     */
    public boolean enhanced() {
        return enhanced;
    }

    /** The artifact field names, superclass fields first, in declaration order. */
    public List<String> names() {
        return names;
    }

    /** Whether {@code name} is an artifact field of this class. */
    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /** The field (accessible), e.g. for its generic type. */
    public Field field(String name) {
        return handles(name).field();
    }

    /** The field's value, without calling {@code beforeRead}: possibly not loaded yet. */
    public Object get(FlowSpec flow, String name) {
        Handles h = handles(name);
        checkInstance(flow);
        try {
            return h.field().get(flow);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e); // setAccessible(true) succeeded
        }
    }

    /**
     * Sets the field, without calling {@code afterWrite} and without changing its tracking state (works for
     * {@code final} fields too). To also stop the next read from calling {@code beforeRead}, use
     * {@link #setLoaded}.
     *
     * @throws IllegalArgumentException when the value does not fit the field's type
     */
    public void set(FlowSpec flow, String name, Object value) {
        Handles h = handles(name);
        checkInstance(flow);
        try {
            h.field().set(flow, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set artifact field '" + name + "' of " + flowClass.getName()
                    + " (type " + h.field().getType().getName() + ") to a value of type "
                    + (value == null ? "null" : value.getClass().getName()), e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e); // setAccessible(true) succeeded
        }
    }

    /** {@link #set} then marks the field {@link State#LOADED}, so reads no longer call {@code beforeRead}. */
    public void setLoaded(FlowSpec flow, String name, Object value) {
        set(flow, name, value);
        if (state(flow, name) == State.UNTOUCHED) {
            writeState(flow, name, FlowEnhancer.LOADED);
        }
    }

    /** What the task did with the field on this instance. */
    public State state(FlowSpec flow, String name) {
        Handles h = trackedHandles(name);
        checkInstance(flow);
        byte b;
        try {
            b = h.state().getByte(flow);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return switch (b) {
            case FlowEnhancer.UNTOUCHED -> State.UNTOUCHED;
            case FlowEnhancer.LOADED -> State.LOADED;
            default -> State.WRITTEN;
        };
    }

    /** The names of the fields in {@code state} on this instance, in {@link #names()} order. */
    public List<String> names(FlowSpec flow, State state) {
        List<String> result = new ArrayList<>();
        for (String name : names) {
            if (state(flow, name) == state) {
                result.add(name);
            }
        }
        return result;
    }

    /** Clears the tracking of every artifact field of the instance (see {@link EnhancedFlow#$baton$resetTracking}). */
    public void resetTracking(FlowSpec flow) {
        if (!enhanced) {
            throw notEnhanced();
        }
        checkInstance(flow);
        ((EnhancedFlow) flow).$baton$resetTracking();
    }

    private void writeState(FlowSpec flow, String name, byte value) {
        try {
            trackedHandles(name).state().setByte(flow, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private Handles handles(String name) {
        Handles h = fields.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no artifact field '" + name + "' in " + flowClass.getName()
                    + "; its artifact fields are " + names);
        }
        return h;
    }

    private Handles trackedHandles(String name) {
        if (!enhanced) {
            throw notEnhanced();
        }
        return handles(name);
    }

    private IllegalStateException notEnhanced() {
        return new IllegalStateException(flowClass.getName() + " (loader " + flowClass.getClassLoader()
                + ") is not enhanced, so its fields are not tracked: load it through FlowClassLoading");
    }

    private void checkInstance(FlowSpec flow) {
        if (!flowClass.isInstance(flow)) {
            throw wrongInstance(flow, null);
        }
    }

    private IllegalArgumentException wrongInstance(FlowSpec flow, Throwable cause) {
        return new IllegalArgumentException("expected an instance of " + flowClass.getName() + " (loader "
                + flowClass.getClassLoader() + "), got " + (flow == null ? "null"
                        : flow.getClass().getName() + " (loader " + flow.getClass().getClassLoader() + ")"), cause);
    }
}
