package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.RandomAccess;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Serializers for the {@code Collections.unmodifiable*} views. Kryo's generic collection serializer would try to
 * add to them on read, and reaching their wrapped collection needs reflection into {@code java.util}, which JDK 17
 * forbids without {@code --add-opens}. So a view is written as a copy of its contents in a matching concrete
 * collection (same order, same comparator) and read back wrapped in the same kind of view.
 *
 * <p>The one thing not preserved: when the wrapped collection is itself shared elsewhere in the value, the copy is
 * not that same object after a round trip.
 */
final class UnmodifiableSerializers {
    private UnmodifiableSerializers() {}

    /** Registered from the most general to the most specific: Kryo puts each later, more specific one first. */
    static void register(Kryo kryo) {
        List<Integer> list = new ArrayList<>();
        add(kryo, Collections.unmodifiableCollection(list).getClass(), c -> new ArrayList<>((Collection<?>) c),
                c -> Collections.unmodifiableCollection((Collection<?>) c));
        add(kryo, Collections.unmodifiableList(new LinkedList<>()).getClass(),
                c -> new LinkedList<>((Collection<?>) c), c -> Collections.unmodifiableList((List<?>) c));
        add(kryo, Collections.unmodifiableList(list).getClass(), c -> new ArrayList<>((Collection<?>) c),
                c -> Collections.unmodifiableList((List<?>) c));
        add(kryo, Collections.unmodifiableSet(new LinkedHashSet<>()).getClass(),
                c -> new LinkedHashSet<>((Collection<?>) c), c -> Collections.unmodifiableSet((Set<?>) c));
        add(kryo, Collections.unmodifiableSortedSet(new TreeSet<>()).getClass(),
                c -> new TreeSet<>((SortedSet<?>) c), c -> Collections.unmodifiableSortedSet((SortedSet<?>) c));
        add(kryo, Collections.unmodifiableNavigableSet(new TreeSet<>()).getClass(),
                c -> new TreeSet<>((SortedSet<?>) c),
                c -> Collections.unmodifiableNavigableSet((NavigableSet<?>) c));
        add(kryo, Collections.unmodifiableMap(new LinkedHashMap<>()).getClass(),
                c -> new LinkedHashMap<>((Map<?, ?>) c), c -> Collections.unmodifiableMap((Map<?, ?>) c));
        add(kryo, Collections.unmodifiableSortedMap(new TreeMap<>()).getClass(),
                c -> new TreeMap<>((SortedMap<?, ?>) c),
                c -> Collections.unmodifiableSortedMap((SortedMap<?, ?>) c));
        add(kryo, Collections.unmodifiableNavigableMap(new TreeMap<>()).getClass(),
                c -> new TreeMap<>((SortedMap<?, ?>) c),
                c -> Collections.unmodifiableNavigableMap((NavigableMap<?, ?>) c));
        assert Collections.unmodifiableList(list) instanceof RandomAccess;
    }

    private static void add(Kryo kryo, Class<?> view, Function<Object, Object> copy, Function<Object, Object> wrap) {
        kryo.addDefaultSerializer(view, new ViewSerializer(copy, wrap));
    }

    private static final class ViewSerializer extends Serializer<Object> {
        private final Function<Object, Object> copy;
        private final Function<Object, Object> wrap;

        ViewSerializer(Function<Object, Object> copy, Function<Object, Object> wrap) {
            this.copy = copy;
            this.wrap = wrap;
        }

        @Override
        public void write(Kryo kryo, Output output, Object view) {
            kryo.writeClassAndObject(output, copy.apply(view));
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<?> type) {
            return wrap.apply(kryo.readClassAndObject(input));
        }
    }
}
