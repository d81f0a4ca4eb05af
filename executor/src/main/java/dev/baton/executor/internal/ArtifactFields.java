package dev.baton.executor.internal;

import dev.baton.executor.internal.enhance.FieldAccess;
import dev.baton.flow.BatonException;
import dev.baton.flow.FlowSpec;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The artifact fields of a flow class, with reflective get/set for the executor. Which fields are artifacts (and
 * the refusal of a subclass field hiding a superclass one) is {@link FieldAccess}'s single definition; this adds
 * the executor's write semantics: {@code null} into a primitive field is ignored, and a value that no longer fits
 * its field is a {@link BatonException} naming the artifact. Reflection is not rewritten by the enhancer, so these
 * accesses never trigger the lazy-loading hooks: that is what the executor needs when it materializes or persists
 * a field.
 */
public final class ArtifactFields {
    private static final Map<Class<?>, ArtifactFields> CACHE = new ConcurrentHashMap<>();

    private final Map<String, Field> fields;

    private ArtifactFields(Class<?> flowClass) {
        FieldAccess access = FieldAccess.of(flowClass.asSubclass(FlowSpec.class));
        Map<String, Field> out = new LinkedHashMap<>();
        for (String name : access.names()) {
            out.put(name, access.field(name));
        }
        this.fields = Collections.unmodifiableMap(out);
    }

    /** The (cached) artifact fields of {@code flowClass}. */
    public static ArtifactFields of(Class<?> flowClass) {
        return CACHE.computeIfAbsent(flowClass, ArtifactFields::new);
    }

    /** Artifact name to field, in declaration order (superclass fields first). */
    public Map<String, Field> all() {
        return fields;
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    public Field field(String name) {
        Field f = fields.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no artifact field '" + name + "'; fields are " + fields.keySet());
        }
        return f;
    }

    /** Reads without triggering hooks. */
    public Object get(FlowSpec flow, String name) {
        try {
            return field(name).get(flow);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read artifact field " + name, e);
        }
    }

    /** Writes without triggering hooks; {@code null} into a primitive field is ignored. */
    public void set(FlowSpec flow, String name, Object value) {
        Field f = field(name);
        if (value == null && f.getType().isPrimitive()) {
            return;
        }
        try {
            f.set(flow, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set artifact field " + name, e);
        } catch (IllegalArgumentException e) {
            throw new BatonException("artifact '" + name + "' holds a " + value.getClass().getName()
                    + " that does not fit field " + f.getDeclaringClass().getSimpleName() + "." + name + " of type "
                    + f.getType().getName() + "; did the field's type change since the parent task ran?", e);
        }
    }
}
