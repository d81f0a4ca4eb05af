package dev.baton.executor.internal;

import dev.baton.flow.FlowSpec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The artifact fields of a flow class (non-static, non-transient instance fields declared below {@link FlowSpec},
 * minus synthetic ones the enhancer adds), with reflective get/set. Reflection is not rewritten by the enhancer,
 * so these accesses never trigger the lazy-loading hooks: that is what the executor needs when it materializes
 * or persists a field.
 */
public final class ArtifactFields {
    private static final Map<Class<?>, ArtifactFields> CACHE = new ConcurrentHashMap<>();

    private final Map<String, Field> fields;

    private ArtifactFields(Class<?> flowClass) {
        Map<String, Field> out = new LinkedHashMap<>();
        for (Class<?> c = flowClass; c != null && c != FlowSpec.class && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic() || f.getName().startsWith("$")) {
                    continue;
                }
                f.setAccessible(true);
                out.putIfAbsent(f.getName(), f); // a subclass field shadows a superclass one of the same name
            }
        }
        this.fields = Collections.unmodifiableMap(out);
    }

    /** The (cached) artifact fields of {@code flowClass}. */
    public static ArtifactFields of(Class<?> flowClass) {
        return CACHE.computeIfAbsent(flowClass, ArtifactFields::new);
    }

    /** Artifact name to field, in declaration order (subclass first). */
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
            throw new dev.baton.flow.BatonException("artifact '" + name + "' holds a " + value.getClass().getName()
                    + " that does not fit field " + f.getDeclaringClass().getSimpleName() + "." + name + " of type "
                    + f.getType().getName() + "; did the field's type change since the parent task ran?", e);
        }
    }
}
