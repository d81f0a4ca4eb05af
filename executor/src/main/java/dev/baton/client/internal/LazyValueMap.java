package dev.baton.client.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An unmodifiable map whose keys are known up front and whose values are loaded on first {@link #get}, once
 * each: listing names costs nothing, reading one artifact loads only that artifact. Values may be {@code null}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class LazyValueMap<K, V> extends AbstractMap<K, V> {
    private static final Object NULL = new Object();

    private final Set<K> keys;
    private final Function<? super K, ? extends V> loader;
    private final Map<K, Object> loaded = new ConcurrentHashMap<>();

    public LazyValueMap(Set<K> keys, Function<? super K, ? extends V> loader) {
        this.keys = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(keys));
        this.loader = loader;
    }

    @Override
    public boolean containsKey(Object key) {
        return keys.contains(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        if (!keys.contains(key)) {
            return null;
        }
        Object value = loaded.computeIfAbsent((K) key, k -> {
            V v = loader.apply(k);
            return v == null ? NULL : v;
        });
        return value == NULL ? null : (V) value;
    }

    @Override
    public Set<K> keySet() {
        return keys;
    }

    @Override
    public int size() {
        return keys.size();
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        // Iterating entries loads every value: that is what the caller asked for.
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<K, V>> iterator() {
                Iterator<K> it = keys.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Entry<K, V> next() {
                        K key = it.next();
                        return new SimpleImmutableEntry<>(key, get(key));
                    }
                };
            }

            @Override
            public int size() {
                return keys.size();
            }
        };
    }

    /** A plain copy with every value loaded. */
    public Map<K, V> materialize() {
        Map<K, V> copy = new LinkedHashMap<>();
        for (K key : keys) {
            copy.put(key, get(key));
        }
        return copy;
    }
}
