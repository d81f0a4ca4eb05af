package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;

/**
 * Records through method handles: primitive and {@code String} components are read and written without boxing
 * or a class lookup, the rest through Kryo by class. Kryo's own record serializer goes through reflection and a
 * registration lookup per component, which was most of the time of encoding a million small records.
 *
 * <p>Wire form: the components in canonical order; primitives fixed- or variable-length as Kryo writes them,
 * strings with {@link Output#writeString}, anything else as a class and object.
 */
final class RecordValueSerializer extends Serializer<Object> {
    private enum Kind { BOOLEAN, BYTE, SHORT, CHAR, INT, LONG, FLOAT, DOUBLE, STRING, OBJECT }

    private final Class<?> type;
    private final Kind[] kinds;
    /** Getters typed {@code (Object)p} for a primitive {@code p}, {@code (Object)Object} otherwise. */
    private final MethodHandle[] getters;
    /** The canonical constructor, spread: {@code (Object[])Object}. */
    private final MethodHandle constructor;

    private RecordValueSerializer(Class<?> type, Kind[] kinds, MethodHandle[] getters, MethodHandle constructor) {
        this.type = type;
        this.kinds = kinds;
        this.getters = getters;
        this.constructor = constructor;
        setImmutable(true);
    }

    /** A serializer for {@code type}, or null when its members are not accessible (Kryo's own one then serves). */
    static Serializer<Object> forRecord(Class<?> type) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            RecordComponent[] components = type.getRecordComponents();
            Kind[] kinds = new Kind[components.length];
            MethodHandle[] getters = new MethodHandle[components.length];
            Class<?>[] parameterTypes = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                Class<?> componentType = components[i].getType();
                parameterTypes[i] = componentType;
                kinds[i] = kindOf(componentType);
                MethodHandle getter = lookup.unreflect(components[i].getAccessor());
                getters[i] = getter.asType(MethodType.methodType(
                        componentType.isPrimitive() ? componentType : Object.class, Object.class));
            }
            MethodHandle constructor = lookup.findConstructor(type, MethodType.methodType(void.class, parameterTypes))
                    .asType(MethodType.methodType(Object.class, boxed(parameterTypes)))
                    .asSpreader(Object[].class, components.length);
            return new RecordValueSerializer(type, kinds, getters, constructor);
        } catch (IllegalAccessException | NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    private static Class<?>[] boxed(Class<?>[] types) {
        Class<?>[] out = new Class<?>[types.length];
        for (int i = 0; i < types.length; i++) {
            out[i] = types[i].isPrimitive() ? MethodType.methodType(types[i]).wrap().returnType() : Object.class;
        }
        return out;
    }

    private static Kind kindOf(Class<?> type) {
        if (type == boolean.class) return Kind.BOOLEAN;
        if (type == byte.class) return Kind.BYTE;
        if (type == short.class) return Kind.SHORT;
        if (type == char.class) return Kind.CHAR;
        if (type == int.class) return Kind.INT;
        if (type == long.class) return Kind.LONG;
        if (type == float.class) return Kind.FLOAT;
        if (type == double.class) return Kind.DOUBLE;
        if (type == String.class) return Kind.STRING;
        return Kind.OBJECT;
    }

    @Override
    public void write(Kryo kryo, Output output, Object record) {
        try {
            for (int i = 0; i < kinds.length; i++) {
                MethodHandle g = getters[i];
                switch (kinds[i]) {
                    case BOOLEAN -> output.writeBoolean((boolean) g.invokeExact(record));
                    case BYTE -> output.writeByte((byte) g.invokeExact(record));
                    case SHORT -> output.writeShort((short) g.invokeExact(record));
                    case CHAR -> output.writeChar((char) g.invokeExact(record));
                    case INT -> output.writeVarInt((int) g.invokeExact(record), false);
                    case LONG -> output.writeVarLong((long) g.invokeExact(record), false);
                    case FLOAT -> output.writeFloat((float) g.invokeExact(record));
                    case DOUBLE -> output.writeDouble((double) g.invokeExact(record));
                    case STRING -> output.writeString((String) (Object) g.invokeExact(record));
                    default -> {
                        Object value = (Object) g.invokeExact(record);
                        try {
                            kryo.writeClassAndObject(output, value);
                        } catch (KryoException e) {
                            e.addTrace(type.getRecordComponents()[i].getName() + " (" + type.getName() + ")");
                            throw e;
                        }
                    }
                }
            }
        } catch (KryoException e) {
            throw e;
        } catch (Throwable e) {
            throw new KryoException("cannot read the components of record " + type.getName(), e);
        }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> ignored) {
        Object[] args = new Object[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            args[i] = switch (kinds[i]) {
                case BOOLEAN -> input.readBoolean();
                case BYTE -> input.readByte();
                case SHORT -> input.readShort();
                case CHAR -> input.readChar();
                case INT -> input.readVarInt(false);
                case LONG -> input.readVarLong(false);
                case FLOAT -> input.readFloat();
                case DOUBLE -> input.readDouble();
                case STRING -> input.readString();
                default -> kryo.readClassAndObject(input);
            };
        }
        try {
            return (Object) constructor.invokeExact(args);
        } catch (RuntimeException e) {
            // The record's own validation refused the values (its compact constructor throws).
            throw new KryoException("record " + type.getName() + " refused the stored values: " + e, e);
        } catch (Throwable e) {
            throw new KryoException("cannot construct record " + type.getName(), e);
        }
    }
}
