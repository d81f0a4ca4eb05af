package dev.baton.executor.internal;

import dev.baton.datastore.ArtifactRef;
import dev.baton.flow.BatonException;
import dev.baton.flow.Current;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.ForeachFrame;
import dev.baton.flow.Inputs;
import dev.baton.flow.internal.TaskContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link TaskContext} bound to one flow instance: which artifacts it holds by reference (inherited, merged or
 * the run's parameters), which it has materialized, and which the step wrote. With an enhanced flow class,
 * fields are loaded on first read ({@link #beforeRead}); otherwise the executor materializes them all up front
 * ({@link #materializeAll}).
 *
 * <p>Persisting ({@link #persist}) follows the content-addressing rules: an artifact neither read nor written is
 * passed on by its key (no bytes loaded, none written); one that was read may have been mutated in place, so it
 * is serialized again and the key tells whether it changed; one written is serialized.
 */
final class ArtifactState implements TaskContext {
    private final TaskScope scope;
    private final FlowSpec instance;
    private final ArtifactFields fields;
    private final Set<String> parameters;
    private final boolean readOnly;
    private final Map<String, ArtifactRef> refs;
    private final Set<String> loaded = new HashSet<>();
    private final Set<String> touched = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final boolean lazy;

    /**
     * @param refs the artifacts the instance starts with, by reference
     * @param parameters the names of the run's parameters (never writable)
     * @param readOnly true for a parent seen through a join's {@code Inputs}
     * @param lazy true when the class is enhanced, so reads reach {@link #beforeRead}
     */
    ArtifactState(TaskScope scope, FlowSpec instance, Map<String, ArtifactRef> refs, Set<String> parameters,
            boolean readOnly, boolean lazy) {
        this.scope = scope;
        this.instance = instance;
        this.fields = ArtifactFields.of(instance.getClass());
        this.refs = new HashMap<>(refs);
        this.parameters = Set.copyOf(parameters);
        this.readOnly = readOnly;
        this.lazy = lazy;
    }

    TaskScope scope() {
        return scope;
    }

    FlowSpec instance() {
        return instance;
    }

    /** Artifacts held by reference, as inherited or merged. */
    Map<String, ArtifactRef> refs() {
        synchronized (this) {
            return Map.copyOf(refs);
        }
    }

    /** Loads every artifact now: the path for flow classes that were not enhanced. */
    synchronized void materializeAll() {
        for (String name : new ArrayList<>(refs.keySet())) {
            materialize(name);
        }
    }

    private void materialize(String name) {
        ArtifactRef ref = refs.get(name);
        if (ref != null && fields.has(name) && !loaded.contains(name) && !dirty.contains(name)) {
            fields.set(instance, name, scope.load(name, ref));
            loaded.add(name);
        }
    }

    /**
     * The value of {@code name} for the executor's own use (a foreach list, a switch condition): from the field
     * when the step touched it, else straight from the blob, without marking it read.
     */
    synchronized Object valueOf(String name) {
        ArtifactRef ref = refs.get(name);
        if (ref != null && !loaded.contains(name) && !dirty.contains(name) && !touched.contains(name)) {
            return scope.load(name, ref);
        }
        return fields.get(instance, name);
    }

    /** Sets an artifact from the executor (the {@code @Catch} variable): it counts as written. */
    synchronized void write(String name, Object value) {
        fields.set(instance, name, value);
        dirty.add(name);
        loaded.add(name);
    }

    @Override
    public synchronized void beforeRead(FlowSpec self, String field) {
        touched.add(field);
        materialize(field);
    }

    @Override
    public synchronized void afterWrite(FlowSpec self, String field) {
        if (readOnly) {
            return; // a parent's instance in a join: writes are local to that object and never persisted
        }
        if (parameters.contains(field)) {
            throw new BatonException("step '" + scope.path().step() + "' wrote parameter '" + field
                    + "': parameters are read-only in every step; copy it into another field to change it");
        }
        dirty.add(field);
        loaded.add(field);
        touched.add(field);
    }

    @Override
    public Object input() {
        return scope.input();
    }

    @Override
    public int index() {
        return scope.index();
    }

    @Override
    public List<ForeachFrame> foreachStack() {
        return scope.foreachStack();
    }

    @Override
    public Current current() {
        return scope.current();
    }

    @Override
    public void mergeArtifacts(FlowSpec self, Inputs<?> inputs, FlowSpec.MergeMode mode, List<String> names) {
        if (readOnly) {
            throw new IllegalStateException("mergeArtifacts() must be called on the join's own instance (this)");
        }
        if (!(inputs instanceof ParentInputs<?> parents)) {
            throw new IllegalArgumentException("mergeArtifacts() takes the Inputs passed to the join step");
        }
        String step = scope.path().step();
        List<Map<String, ArtifactRef>> all = parents.artifactRefs();
        Set<String> available = new LinkedHashSet<>();
        all.forEach(m -> available.addAll(m.keySet()));
        Set<String> candidates = new LinkedHashSet<>();
        switch (mode) {
            case ALL -> candidates.addAll(available);
            case EXCEPT -> {
                candidates.addAll(available);
                names.forEach(candidates::remove);
            }
            case ONLY -> {
                List<String> missing = names.stream().filter(n -> !available.contains(n)).toList();
                if (!missing.isEmpty()) {
                    throw new BatonException("mergeArtifactsOnly() in join step '" + step + "': no input has artifact(s) "
                            + missing + "; the inputs hold " + new TreeMap<>(
                                    available.stream().collect(java.util.stream.Collectors.toMap(n -> n, n -> ""))).keySet());
                }
                candidates.addAll(names);
            }
        }
        Map<String, ArtifactRef> chosen = new LinkedHashMap<>();
        List<String> conflicts = new ArrayList<>();
        synchronized (this) {
            for (String name : candidates) {
                if (parameters.contains(name) || dirty.contains(name) || !fields.has(name)) {
                    continue; // parameters are already the run's; the join's own writes win
                }
                Map<String, ArtifactRef> byKey = new LinkedHashMap<>();
                List<String> holders = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    ArtifactRef ref = all.get(i).get(name);
                    if (ref != null) {
                        byKey.putIfAbsent(ref.key(), ref);
                        holders.add(parents.pathOf(i).toString());
                    }
                }
                if (byKey.size() > 1) {
                    conflicts.add(name + " (" + byKey.size() + " different values among " + holders.size() + " inputs)");
                } else if (byKey.size() == 1) {
                    chosen.put(name, byKey.values().iterator().next());
                }
            }
            if (!conflicts.isEmpty()) {
                throw new BatonException("join step '" + step + "' cannot merge " + conflicts.size()
                        + " conflicting artifact(s): " + String.join(", ", conflicts) + ". Set them in the join first,"
                        + " or leave them out with mergeArtifactsExcept(inputs, ...); nothing was merged");
            }
            chosen.forEach((name, ref) -> {
                refs.put(name, ref);
                loaded.remove(name);
                // without enhancement, or when the step already read the field (its loaded flag is set), nothing
                // would call beforeRead again: set the value now
                if (!lazy || touched.contains(name)) {
                    materialize(name);
                }
            });
        }
    }

    /**
     * What this task holds, ready to write to {@code data.json}: untouched references as they are, everything read
     * or written serialized (stored once per distinct value), and fields with no reference that hold a non-null
     * value (set by an initializer) serialized too. Transient and static fields are never artifacts.
     */
    /**
     * A primitive field that nothing set (no reference, never written) still reads as 0 or false. Storing that would
     * make a join's unmerged artifacts (set only in its branches) look like real values of 0 to every later step and
     * to the client; every task constructs the flow anyway, so a reader sees the same default without it.
     */
    private boolean isUnsetPrimitiveDefault(String name, Object value) {
        // read or not, a primitive cannot have been changed in place: only a write (dirty) makes it a value
        if (!fields.all().get(name).getType().isPrimitive()) {
            return false;
        }
        return value instanceof Boolean b ? !b
                : value instanceof Character c ? c == 0
                : value instanceof Number n && n.doubleValue() == 0 && !(value instanceof Double d && d.isNaN());
    }

    synchronized Map<String, ArtifactRef> persist() {
        Map<String, ArtifactRef> out = new TreeMap<>();
        Map<String, Object> toStore = new LinkedHashMap<>();
        for (String name : fields.all().keySet()) {
            ArtifactRef ref = refs.get(name);
            boolean materialized = loaded.contains(name) || dirty.contains(name) || touched.contains(name);
            if (parameters.contains(name) && ref != null) {
                out.put(name, ref); // read-only: an in-place mutation is checked below
                if (materialized) {
                    toStore.put(name, fields.get(instance, name));
                }
            } else if (ref != null && !materialized) {
                out.put(name, ref);
            } else {
                Object value = fields.get(instance, name);
                if (ref != null || dirty.contains(name)
                        || (value != null && !isUnsetPrimitiveDefault(name, value))) {
                    toStore.put(name, value);
                }
            }
        }
        if (!toStore.isEmpty()) {
            Map<String, ArtifactRef> stored = scope.datastore().blobs().putAll(toStore);
            for (Map.Entry<String, ArtifactRef> e : stored.entrySet()) {
                String name = e.getKey();
                if (parameters.contains(name)) {
                    ArtifactRef original = refs.get(name);
                    if (original != null && !original.key().equals(e.getValue().key())) {
                        throw new BatonException("step '" + scope.path().step() + "' changed parameter '" + name
                                + "' in place: parameters are read-only; copy it before modifying it");
                    }
                    continue;
                }
                out.put(name, e.getValue());
            }
        }
        // refs that are not fields of this class (a field removed since the parent ran) are passed on as they are
        refs.forEach(out::putIfAbsent);
        return out;
    }
}
