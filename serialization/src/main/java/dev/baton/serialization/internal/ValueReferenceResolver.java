package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;

/**
 * Tracks object identity (so shared and cyclic references round-trip) except for immutable values, whose
 * identity carries no meaning: skipping them saves an identity-hash-map entry per object, which was 40 % of the
 * time of encoding a list of a million small records.
 *
 * <p>Records count as values: they are transparent, shallowly immutable carriers compared by {@code equals}. A
 * record reached twice is written twice and reads back as two equal records. Cycles still terminate, because a
 * cycle through a record must pass through a mutable object (a collection, an array, a class), which is tracked.
 */
final class ValueReferenceResolver extends MapReferenceResolver {
    private static final ClassValue<Boolean> TRACKED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            boolean value = type == String.class || type == Integer.class || type == Long.class
                    || type == Double.class || type == Boolean.class || type == Float.class || type == Short.class
                    || type == Byte.class || type == Character.class || type == BigDecimal.class
                    || type == BigInteger.class || type == UUID.class
                    // Not isEnum(): a constant with a body is a subclass, and Kryo reads it as its enum class.
                    || Enum.class.isAssignableFrom(type)
                    || type.isRecord() || type.getName().startsWith("java.time.");
            return !value;
        }
    };

    @Override
    @SuppressWarnings("rawtypes") // Kryo's signature
    public boolean useReferences(Class type) {
        return TRACKED.get(type);
    }
}
