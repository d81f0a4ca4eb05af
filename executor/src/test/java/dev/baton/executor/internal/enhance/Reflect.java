package dev.baton.executor.internal.enhance;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.internal.FlowSpecAccess;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers: the tests live in the parent loader and reach enhanced classes reflectively. */
final class Reflect {
    private Reflect() {}

    static FlowSpec newFlow(Class<? extends FlowSpec> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static FlowSpec bound(Class<? extends FlowSpec> type, RecordingContext context) {
        FlowSpec flow = newFlow(type);
        FlowSpecAccess.bind(flow, context);
        return flow;
    }

    /** Calls the (only) public method {@code name} with {@code args.length} parameters, static or not. */
    static Object call(Object target, String name, Object... args) {
        Class<?> type = target instanceof Class<?> c ? c : target.getClass();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(Modifier.isStatic(m.getModifiers()) ? null : target, args);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new AssertionError(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("no public method " + name + "/" + args.length + " in " + type);
    }

    /** A minimal {@link Inputs} over instances of an enhanced class (whose type the test cannot name). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static Inputs inputs(List<FlowSpec> parents) {
        return new Inputs() {
            @Override
            public int size() {
                return parents.size();
            }

            @Override
            public FlowSpec get(int index) {
                return parents.get(index);
            }

            @Override
            public FlowSpec step(String stepName) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Stream stream() {
                return parents.stream();
            }

            @Override
            public List asList() {
                return parents;
            }

            @Override
            public Iterator iterator() {
                return parents.iterator();
            }
        };
    }
}
