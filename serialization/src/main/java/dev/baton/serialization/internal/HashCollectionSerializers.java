package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * {@code HashMap} and {@code HashSet} read back with the JDK's default capacity rather than Kryo's presized one.
 * Their iteration order depends on the table's capacity, and the serialized bytes follow the iteration order, so
 * a presized copy of a map built the usual way ({@code new HashMap<>()} then puts) would iterate differently and
 * re-encode to a different content key although nothing changed: the datastore would store it again.
 */
final class HashCollectionSerializers {
    private HashCollectionSerializers() {}

    static void register(Kryo kryo) {
        kryo.addDefaultSerializer(HashMap.class, new DefaultCapacityMapSerializer());
        kryo.addDefaultSerializer(HashSet.class, new DefaultCapacitySetSerializer());
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class DefaultCapacityMapSerializer extends MapSerializer<Map> {
        @Override
        protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
            // Exactly HashMap: subclasses (LinkedHashMap, user maps) keep Kryo's own creation.
            return type == HashMap.class ? new HashMap<>() : super.create(kryo, input, type, size);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class DefaultCapacitySetSerializer extends CollectionSerializer<Collection> {
        @Override
        protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
            return type == HashSet.class ? new HashSet<>() : super.create(kryo, input, type, size);
        }
    }
}
