package dev.baton.executor.internal.enhance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * The child-first class loader that defines a flow's classes with their artifact field access enhanced, over
 * the user's {@code --classpath} entries and, for user code that is on the parent's class path, over the
 * parent's class files. Which classes it defines is decided by {@link LoadingPolicy}. Parallel capable.
 */
final class FlowClassLoader extends ClassLoader implements AutoCloseable {
    static {
        registerAsParallelCapable();
    }

    private final ClassPathEntries entries;
    private final ClassIndex index;
    private final LoadingPolicy policy;
    private final FlowEnhancer enhancer;
    /** Decisions (rule 4) for classes found through the parent, so their bytes are scanned at most once. */
    private final ConcurrentHashMap<String, Boolean> redefineFromParent = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Boolean> flowClassesDefinedHere = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<URL, ProtectionDomain> domains = new ConcurrentHashMap<>();
    /** Where the flow's class file is (a directory or jar), when it comes from the parent's class path. */
    private final URL flowLocation;

    /**
     * @param flowClassName the flow's binary name: its package, and those of its flow superclasses, are the
     *     user packages
     */
    FlowClassLoader(String flowClassName, ClassPathEntries entries, ClassLoader parent) {
        super("baton-flow:" + flowClassName, Objects.requireNonNull(parent, "parent"));
        this.entries = entries;
        this.index = new ClassIndex(this::classBytes);
        String flowInternal = flowClassName.replace('.', '/');
        this.policy = new LoadingPolicy(userRoots(flowInternal));
        URL flowResource = parent.getResource(flowInternal + ".class");
        this.flowLocation = flowResource == null ? null : codeSourceOf(flowResource, flowInternal + ".class");
        this.enhancer = new FlowEnhancer(index, this::definesFlowClass);
    }

    private Set<String> userRoots(String flowInternalName) {
        Set<String> roots = new LinkedHashSet<>();
        roots.add(LoadingPolicy.packageOf(flowInternalName));
        String current = flowInternalName;
        while (index.isFlowSubclass(current)) {
            roots.add(LoadingPolicy.packageOf(current));
            current = index.info(current).orElseThrow().superName();
        }
        return roots;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = loadHere(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private Class<?> loadHere(String name) throws ClassNotFoundException {
        String internal = name.replace('.', '/');
        if (policy.parentOnly(internal)) {
            return getParent().loadClass(name);
        }
        if (policy.parentFirst(internal)) {
            try {
                return getParent().loadClass(name);
            } catch (ClassNotFoundException e) {
                ClassPathEntries.Found local = entries.read(internal + ".class");
                if (local == null) {
                    throw e;
                }
                return define(name, internal, local.bytes(), local.location());
            }
        }
        ClassPathEntries.Found local = entries.read(internal + ".class");
        if (local != null) {
            return define(name, internal, local.bytes(), local.location());
        }
        URL fromParent = getParent().getResource(internal + ".class");
        if (fromParent != null && redefinesFromParent(internal, fromParent)) {
            return define(name, internal, parentBytes(internal), codeSourceOf(fromParent, internal + ".class"));
        }
        return getParent().loadClass(name);
    }

    /** Rules 4 and 5: whether a class that only the parent provides (at {@code resource}) is re-defined here. */
    private boolean redefinesFromParent(String internal, URL resource) {
        Boolean known = redefineFromParent.get(internal);
        if (known == null) {
            known = !isBatonRuntime(internal, resource) && (policy.isUserClass(internal)
                    || index.isFlowSubclass(internal) || namesUserClass(parentBytes(internal)));
            redefineFromParent.put(internal, known);
        }
        return known;
    }

    /**
     * Whether {@link #loadHere} would define the class here, decided without defining it (the enhancer must know
     * which flow classes get accessors before they are loaded). Mirrors {@link #loadHere}.
     */
    private boolean definesHere(String internal) {
        if (policy.parentOnly(internal)) {
            return false;
        }
        String resource = internal + ".class";
        if (policy.parentFirst(internal)) {
            return getParent().getResource(resource) == null && !entries.urls(resource).isEmpty();
        }
        if (!entries.urls(resource).isEmpty()) {
            return true;
        }
        URL fromParent = getParent().getResource(resource);
        return fromParent != null && redefinesFromParent(internal, fromParent);
    }

    /**
     * A class of Baton's own runtime, which a user package under {@code dev.baton} (e.g. a test flow in
     * {@code dev.baton.client}) must not pull into this loader: a {@code dev.baton} class (outside the examples,
     * which are user code though they ship in the fat jar) that does not come from where the flow class does.
     */
    private boolean isBatonRuntime(String internal, URL resource) {
        if (!internal.startsWith("dev/baton/") || internal.startsWith("dev/baton/examples/")) {
            return false;
        }
        URL location = codeSourceOf(resource, internal + ".class");
        return location == null || flowLocation == null || !location.toString().equals(flowLocation.toString());
    }

    /** Whether the class file refers to a class of a user package anywhere (types, owners, descriptors). */
    private boolean namesUserClass(byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        boolean[] found = new boolean[1];
        Remapper detector = new Remapper() {
            @Override
            public String map(String internalName) {
                if (!found[0] && policy.isUserClass(internalName)) {
                    found[0] = true;
                }
                return internalName;
            }
        };
        new ClassReader(bytes).accept(new ClassRemapper(new ClassVisitor(Opcodes.ASM9) {}, detector),
                ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        return found[0];
    }

    /** Whether this loader defines (and enhances) flow class {@code internal}: the enhancer's question. */
    private boolean definesFlowClass(String internal) {
        if (internal == null || !index.isFlowSubclass(internal)) {
            return false;
        }
        return flowClassesDefinedHere.computeIfAbsent(internal, this::definesHere);
    }

    private Class<?> define(String name, String internal, byte[] bytes, URL location) {
        byte[] enhanced;
        try {
            enhanced = enhancer.enhance(internal, bytes);
        } catch (RuntimeException e) {
            // never define it unenhanced: other classes may already call its accessors
            throw new LinkageError("Baton cannot enhance " + name + " (from " + location + ", class file version "
                    + classFileVersion(bytes) + "): " + e + ". Compile it for a Java version this Baton's ASM "
                    + "supports (up to 25)", e);
        }
        return defineClass(name, enhanced, 0, enhanced.length, domain(location));
    }

    private static String classFileVersion(byte[] bytes) {
        return bytes.length < 8 ? "unknown" : String.valueOf(((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF));
    }

    private ProtectionDomain domain(URL location) {
        if (location == null) {
            return null;
        }
        return domains.computeIfAbsent(location,
                l -> new ProtectionDomain(new CodeSource(l, (Certificate[]) null), null, this, null));
    }

    /** For the class index: local entries first, then the parent, as loading would find them. */
    private byte[] classBytes(String internal) {
        ClassPathEntries.Found local = entries.read(internal + ".class");
        return local != null ? local.bytes() : parentBytes(internal);
    }

    private byte[] parentBytes(String internal) {
        try (InputStream in = getParent().getResourceAsStream(internal + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class file of " + internal.replace('/', '.'), e);
        }
    }

    /** The code-source location of a class the parent would load: its jar, or its class path directory. */
    private static URL codeSourceOf(URL resource, String resourceName) {
        String s = resource.toString();
        try {
            if (s.startsWith("jar:") && s.contains("!/")) {
                return new URL(s.substring(4, s.indexOf("!/")));
            }
            if (s.endsWith(resourceName)) {
                return new URL(s.substring(0, s.length() - resourceName.length()));
            }
        } catch (MalformedURLException e) {
            // fall through: an unusual URL scheme just gets no code source
        }
        return null;
    }

    // Resources follow the classes: the user's --classpath entries first.

    @Override
    public URL getResource(String name) {
        URL local = findResource(name);
        return local != null ? local : getParent().getResource(name);
    }

    @Override
    protected URL findResource(String name) {
        List<URL> urls = entries.urls(name);
        return urls.isEmpty() ? null : urls.get(0);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        return Collections.enumeration(entries.urls(name));
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(entries.urls(name));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    /** Closes the {@code --classpath} jars; classes already defined keep working, new loads may fail. */
    @Override
    public void close() {
        entries.close();
    }
}
