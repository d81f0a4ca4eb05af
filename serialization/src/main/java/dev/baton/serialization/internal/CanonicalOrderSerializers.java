package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Writes the JDK's unmodifiable sets and maps ({@code Set.of}, {@code Map.of}, {@code Set.copyOf},
 * {@code Collectors.toUnmodifiableSet()}, ...) in a canonical order, so that their content key is a function of
 * their contents. Their iteration order depends on a salt chosen at random when each JVM starts, so written in that
 * order the same value got a different key in every process and was stored once per process.
 *
 * <p>The canonical order is the natural order of the elements (map keys), used only when it is cheap and the same
 * in every JVM: at most {@link #MAX_SORTED} elements, all of one JDK value class ({@code String}, the boxed
 * primitives, {@code BigDecimal}, {@code UUID}, {@code java.time} values, ...) or constants of one enum, so no user
 * code runs while encoding. Anything else keeps its iteration order (stored again in another process, never read
 * wrongly). Reading is Kryo's own: these serializers wrap Kryo's and change only the order of the written
 * elements, which the reader does not depend on, so blobs written before read the same.
 */
final class CanonicalOrderSerializers {
    /** Larger collections keep their iteration order: sorting them would cost more than storing them again. */
    static final int MAX_SORTED = 1024;

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final Comparator<Object> NATURAL = (a, b) -> ((Comparable) a).compareTo(b);

    private CanonicalOrderSerializers() {}

    private static final Set<Class<?>> SETS = Set.of(Set.of(1, 2).getClass(), Set.of(1, 2, 3).getClass());
    /** Map.of(k, v) (Map1) has one entry, so one order; MapN has the salted one. */
    private static final Class<?> MAP = Map.of(1, 1, 2, 2).getClass();

    /**
     * Kryo's serializer for {@code type} made canonical, or {@code own} itself when {@code type} is not one of these
     * collections. Called as Kryo picks a class's default serializer: registering ours with
     * {@code addDefaultSerializer} would not do, as Kryo keeps the first one added for a class.
     */
    @SuppressWarnings("rawtypes")
    static Serializer canonical(Class<?> type, Serializer own) {
        if (SETS.contains(type)) {
            return new Canonical(own, false);
        }
        if (type == MAP) {
            return new Canonical(own, true);
        }
        return own;
    }

    /**
     * The elements in canonical order, or null when the collection keeps its iteration order.
     */
    static Object[] sortedOrNull(Collection<?> elements) {
        int size = elements.size();
        if (size < 2 || size > MAX_SORTED) {
            return null;
        }
        Object[] sorted = elements.toArray();
        if (!comparableAlike(sorted)) {
            return null;
        }
        try {
            Arrays.sort(sorted, NATURAL);
        } catch (RuntimeException e) {
            // a JDK type whose compareTo refuses some pair: the iteration order is still a correct encoding
            return null;
        }
        return sorted;
    }

    /** True when every element is of one JDK Comparable class, or a constant of one enum. */
    private static boolean comparableAlike(Object[] elements) {
        Object first = elements[0];
        if (first instanceof Enum<?> constant) {
            Class<?> type = constant.getDeclaringClass();
            for (Object e : elements) {
                if (!(e instanceof Enum<?> other) || other.getDeclaringClass() != type) {
                    return false;
                }
            }
            return true; // Enum.compareTo is final: the ordinal, the same in every JVM
        }
        if (first == null) {
            return false;
        }
        Class<?> type = first.getClass();
        if (type.getClassLoader() != null || !Comparable.class.isAssignableFrom(type)) {
            return false; // a user class's compareTo is user code, and may not be consistent across JVMs
        }
        for (Object e : elements) {
            if (e == null || e.getClass() != type) {
                return false;
            }
        }
        return true;
    }

    /** Kryo's serializer for the class, given the elements (entries) in canonical order on write. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Canonical extends Serializer<Object> {
        private final Serializer own;
        private final boolean map;

        Canonical(Serializer own, boolean map) {
            super(own.getAcceptsNull(), own.isImmutable());
            this.own = own;
            this.map = map;
        }

        @Override
        public void write(Kryo kryo, Output output, Object value) {
            own.write(kryo, output, map ? sortedMap((Map<?, ?>) value) : sortedSet((Set<?>) value));
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<?> type) {
            return own.read(kryo, input, type);
        }

        @Override
        public Object copy(Kryo kryo, Object original) {
            return own.copy(kryo, original);
        }

        private static Set<?> sortedSet(Set<?> set) {
            Object[] sorted = sortedOrNull(set);
            return sorted == null ? set : new ArraySet(sorted);
        }

        private static Map<?, ?> sortedMap(Map<?, ?> map) {
            Object[] keys = sortedOrNull(map.keySet());
            if (keys == null) {
                return map;
            }
            Object[] entries = new Object[keys.length];
            for (int i = 0; i < keys.length; i++) {
                entries[i] = new AbstractMap.SimpleImmutableEntry<>(keys[i], map.get(keys[i]));
            }
            return new AbstractMap<Object, Object>() {
                @Override
                public Set<Entry<Object, Object>> entrySet() {
                    return (Set) new ArraySet(entries);
                }
            };
        }
    }

    /** A read-only set view of distinct elements in array order, handed to Kryo's writer only. */
    private static final class ArraySet extends AbstractSet<Object> {
        private final Object[] elements;

        ArraySet(Object[] elements) {
            this.elements = elements;
        }

        @Override
        public Iterator<Object> iterator() {
            return Arrays.asList(elements).iterator();
        }

        @Override
        public int size() {
            return elements.length;
        }
    }
}
