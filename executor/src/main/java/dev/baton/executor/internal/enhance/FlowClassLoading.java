package dev.baton.executor.internal.enhance;

import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads flow classes with lazy artifact fields: the executor's entry point to this package.
 *
 * <p>Both methods return the same {@link Class} for the same arguments during the life of the JVM (so every
 * task of a run, and every {@code Inputs} element of a join, shares one enhanced class), and validate the
 * artifact fields ({@link FieldAccess#of}) before returning.
 */
public final class FlowClassLoading {
    /**
     * The identity of an enhanced class. Its {@code equals}/{@code hashCode} are written out: a record's generated
     * ones bootstrap through {@code java.lang.runtime.ObjectMethods} on first use, which spins about 25 method
     * handle classes that no class-data-sharing archive holds, on the main thread of every task process.
     */
    private record Key(String flowClassName, List<Path> classpath, ClassLoader parent) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(flowClassName, k.flowClassName)
                    && classpath.equals(k.classpath) && parent == k.parent;
        }

        @Override
        public int hashCode() {
            return (Objects.hashCode(flowClassName) * 31 + classpath.hashCode()) * 31 + System.identityHashCode(parent);
        }
    }

    private static final ConcurrentHashMap<Key, Class<? extends FlowSpec>> LOADED = new ConcurrentHashMap<>();

    private static final ClassValue<Class<? extends FlowSpec>> ENHANCED = new ClassValue<>() {
        @Override
        protected Class<? extends FlowSpec> computeValue(Class<?> type) {
            ClassLoader parent = type.getClassLoader();
            if (parent == null) {
                throw new ConfigurationException(type.getName() + " is a JDK class, not a flow");
            }
            return defineEnhanced(type.getName(), ClassPathEntries.open(List.of()), parent,
                    "the class path of " + parent);
        }
    };

    private FlowClassLoading() {}

    /**
     * Loads flow class {@code flowClassName} enhanced: from the {@code --classpath} entries ({@code classpath},
     * directories and jars, tried first) or, when {@code classpath} is empty, from {@code parent}'s class path
     * (then this is {@code enhance(parent.loadClass(flowClassName))}).
     *
     * @throws ConfigurationException when the class cannot be found, is not a {@link FlowSpec} subclass, is part
     *     of the flow API, or has two artifact fields with the same name; or when a class path entry does not
     *     exist
     */
    public static Class<? extends FlowSpec> load(String flowClassName, List<Path> classpath, ClassLoader parent) {
        Objects.requireNonNull(flowClassName, "flowClassName");
        Objects.requireNonNull(parent, "parent");
        if (classpath.isEmpty()) {
            Class<?> plain;
            try {
                plain = Class.forName(flowClassName, false, parent);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ConfigurationException("flow class " + flowClassName + " is not on the class path ("
                        + e + "): check --flow, or give the directory or jar holding it with --classpath", e);
            }
            return enhance(asFlow(plain, "the class path"));
        }
        List<Path> normalized = new ArrayList<>();
        for (Path p : classpath) {
            normalized.add(p.toAbsolutePath().normalize());
        }
        Key key = new Key(flowClassName, List.copyOf(normalized), parent);
        // computeIfAbsent: concurrent first loads wait for one loader instead of racing several (open jars)
        return LOADED.computeIfAbsent(key, k -> defineEnhanced(flowClassName, ClassPathEntries.open(k.classpath()),
                parent, "--classpath " + classpath));
    }

    /**
     * The enhanced twin of a flow class that was loaded without enhancement (e.g. given to
     * {@code Baton.main(MyFlow.class)}): re-defined from its class file, child-first, in an enhancing loader
     * whose parent is the class's own loader, together with the user classes that reach its artifact fields
     * (see the package documentation for which). Returns {@code flowClass} itself when it is already enhanced.
     * The re-defined classes have their own static fields: static state a {@code main} set on the original class
     * before calling {@code Baton.main} is not seen by the enhanced one.
     *
     * @throws ConfigurationException as {@link #load}
     */
    public static Class<? extends FlowSpec> enhance(Class<? extends FlowSpec> flowClass) {
        if (isEnhanced(flowClass)) {
            return flowClass;
        }
        return ENHANCED.get(flowClass);
    }

    /** Whether {@code type} was defined, enhanced, by this package's loader. */
    public static boolean isEnhanced(Class<?> type) {
        return EnhancedFlow.class.isAssignableFrom(type) && type.getClassLoader() instanceof FlowClassLoader;
    }

    private static Class<? extends FlowSpec> defineEnhanced(String flowClassName, ClassPathEntries entries,
            ClassLoader parent, String where) {
        String internal = flowClassName.replace('.', '/');
        if (internal.startsWith("dev/baton/flow/") || internal.startsWith("java/")) {
            entries.close();
            throw new ConfigurationException(flowClassName + " is part of the Baton flow API or the JDK, not a flow: "
                    + "check --flow");
        }
        FlowClassLoader loader = new FlowClassLoader(flowClassName, entries, parent);
        Class<?> c;
        try {
            c = Class.forName(flowClassName, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            loader.close();
            throw new ConfigurationException("flow class " + flowClassName + " cannot be loaded from " + where + " ("
                    + e + "): check --flow and --classpath", e);
        }
        Class<? extends FlowSpec> flow = asFlow(c, where);
        if (c.getClassLoader() != loader) {
            loader.close();
            throw new ConfigurationException("flow class " + flowClassName + " was not re-defined for enhancement (it"
                    + " was taken from " + c.getClassLoader() + "): flows must not be in a package of Baton's runtime");
        }
        if (!EnhancedFlow.class.isAssignableFrom(flow)) {
            loader.close();
            throw new ConfigurationException("flow class " + flowClassName + " (or a flow superclass) could not be read"
                    + " for enhancement from " + where + ": is its class file complete and for Java 25 or older?");
        }
        FieldAccess.of(flow); // rejects duplicate artifact names now, not in the middle of a task
        return flow;
    }

    private static Class<? extends FlowSpec> asFlow(Class<?> c, String where) {
        if (!FlowSpec.class.isAssignableFrom(c) || c == FlowSpec.class) {
            throw new ConfigurationException(c.getName() + " (from " + where + ") is not a flow: a flow class extends "
                    + FlowSpec.class.getName() + (extendsOtherFlowSpec(c)
                            ? ", and this one extends a FlowSpec from another class loader: keep baton-flow out of "
                                    + "the --classpath jars or let it be shared"
                            : ""));
        }
        return c.asSubclass(FlowSpec.class);
    }

    /** The confusing case of a flow compiled against, and loaded with, a second copy of the flow API. */
    private static boolean extendsOtherFlowSpec(Class<?> c) {
        for (Class<?> s = c.getSuperclass(); s != null; s = s.getSuperclass()) {
            if (s.getName().equals(FlowSpec.class.getName()) && s != FlowSpec.class) {
                return true;
            }
        }
        return false;
    }
}
