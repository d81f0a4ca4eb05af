package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import java.lang.reflect.Field;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;

/**
 * {@code EnumSet} and {@code EnumMap}. Kryo resolves an {@code EnumSet} subclass to the {@code EnumSet}
 * registration only when one exists, so it is registered; {@code EnumMap} has no usable default in Kryo, and an
 * empty one only knows its key type in a private field, read here through {@code sun.misc.Unsafe} (the
 * {@code jdk.unsupported} module, the way Kryo's own unsafe fields work) because JDK 17 forbids reflective access.
 */
final class EnumCollectionSerializers {
    private EnumCollectionSerializers() {}

    static void register(Kryo kryo, int enumSetId, int enumMapId) {
        kryo.register(EnumSet.class, new DefaultSerializers.EnumSetSerializer(), enumSetId);
        kryo.register(EnumMap.class, new EnumMapSerializer(), enumMapId);
    }

    private static final class EnumMapSerializer extends Serializer<EnumMap<?, ?>> {
        private static final long KEY_TYPE_OFFSET;
        private static final sun.misc.Unsafe UNSAFE;

        static {
            sun.misc.Unsafe unsafe = null;
            long offset = -1;
            try {
                Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
                offset = unsafe.objectFieldOffset(EnumMap.class.getDeclaredField("keyType"));
            } catch (ReflectiveOperationException | RuntimeException e) {
                unsafe = null;
            }
            UNSAFE = unsafe;
            KEY_TYPE_OFFSET = offset;
        }

        @Override
        public void write(Kryo kryo, Output output, EnumMap<?, ?> map) {
            Class<?> keyType = keyType(map);
            kryo.writeClass(output, keyType);
            output.writeVarInt(map.size(), true);
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                output.writeVarInt(((Enum<?>) entry.getKey()).ordinal(), true);
                kryo.writeClassAndObject(output, entry.getValue());
            }
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public EnumMap<?, ?> read(Kryo kryo, Input input, Class<? extends EnumMap<?, ?>> type) {
            Registration registration = kryo.readClass(input);
            if (registration == null || !registration.getType().isEnum()) {
                throw new KryoException("an EnumMap's key type is not an enum");
            }
            Class keyType = registration.getType();
            Object[] constants = keyType.getEnumConstants();
            EnumMap map = new EnumMap(keyType);
            kryo.reference(map);
            int size = input.readVarInt(true);
            for (int i = 0; i < size; i++) {
                int ordinal = input.readVarInt(true);
                if (ordinal < 0 || ordinal >= constants.length) {
                    throw new KryoException("EnumMap key ordinal " + ordinal + " is out of range for " + keyType.getName());
                }
                map.put((Enum) constants[ordinal], kryo.readClassAndObject(input));
            }
            return map;
        }

        private static Class<?> keyType(EnumMap<?, ?> map) {
            if (!map.isEmpty()) {
                return ((Enum<?>) map.keySet().iterator().next()).getDeclaringClass();
            }
            if (UNSAFE == null) {
                throw new KryoException("an empty EnumMap cannot be stored on this JVM (its key type is not"
                        + " readable): store a HashMap or a non-empty EnumMap");
            }
            return (Class<?>) UNSAFE.getObject(map, KEY_TYPE_OFFSET);
        }
    }
}
