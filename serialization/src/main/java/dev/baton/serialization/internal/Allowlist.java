package dev.baton.serialization.internal;

import java.lang.reflect.Proxy;
import java.net.URL;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which classes a blob may name. Decoding checks a class's <em>name</em> here before anything loads it, so a blob
 * naming a gadget class ({@code java.lang.ProcessBuilder}, {@code org.apache.commons.collections.functors
 * .InvokerTransformer}, ...) is refused without that class being loaded, initialized or instantiated. Encoding
 * checks the same rule, so a value that could not be read back is refused when it is written.
 *
 * <p>Allowed: the explicit JDK value and collection types below (not arbitrary {@code java.*} classes), arrays of
 * allowed types, Baton's own value types, classes the user allowed by class or exact package, and classes
 * <em>defined</em> by the flow's class loader (not by its parents). Lambdas, other hidden classes and dynamic
 * proxies never are: their deserialization runs code chosen by the blob.
 *
 * <p>Thread-safe and immutable once built, apart from a cache of resolved names.
 */
final class Allowlist {
    /** JDK classes allowed by name. Each one has a Kryo serializer that works without opening JDK modules. */
    static final Set<String> JDK_CLASSES = Set.of(
            // java.lang values
            "java.lang.Object", "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Character",
            "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.lang.StringBuilder", "java.lang.StringBuffer", "java.lang.Class",
            // java.math
            "java.math.BigDecimal", "java.math.BigInteger", "java.math.RoundingMode",
            // java.util values
            "java.util.UUID", "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong",
            "java.util.OptionalDouble", "java.util.Date", "java.util.Locale", "java.util.Currency",
            "java.util.BitSet", "java.util.regex.Pattern", "java.net.URI",
            // mutable collections
            "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.PriorityQueue",
            "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.IdentityHashMap",
            "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.EnumMap",
            "java.util.EnumSet", "java.util.Vector", "java.util.Hashtable",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentSkipListMap",
            "java.util.concurrent.ConcurrentSkipListSet", "java.util.concurrent.CopyOnWriteArrayList",
            "java.util.concurrent.CopyOnWriteArraySet", "java.util.concurrent.TimeUnit",
            // immutable and wrapper collections
            "java.util.Arrays$ArrayList",
            "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
            "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
            "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN",
            "java.util.Collections$EmptyList", "java.util.Collections$EmptySet", "java.util.Collections$EmptyMap",
            "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
            "java.util.Collections$SingletonMap",
            "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableSet",
            "java.util.Collections$UnmodifiableSortedSet", "java.util.Collections$UnmodifiableNavigableSet",
            "java.util.Collections$UnmodifiableMap", "java.util.Collections$UnmodifiableSortedMap",
            "java.util.Collections$UnmodifiableNavigableMap",
            // java.time
            "java.time.Duration", "java.time.Instant", "java.time.LocalDate", "java.time.LocalTime",
            "java.time.LocalDateTime", "java.time.ZonedDateTime", "java.time.OffsetDateTime",
            "java.time.OffsetTime", "java.time.ZoneOffset", "java.time.ZoneRegion", "java.time.ZoneId",
            "java.time.Period", "java.time.Year", "java.time.YearMonth", "java.time.MonthDay",
            "java.time.DayOfWeek", "java.time.Month",
            // Baton's own value types
            "dev.baton.flow.CaughtException");

    private final ClassLoader flowLoader;
    private final ClassLoader resolveLoader;
    private final Map<String, Class<?>> allowedClasses;
    private final Set<String> allowedPackages;
    /** Names already checked and resolved; only allowed names ever enter. */
    private final Map<String, Class<?>> resolved = new ConcurrentHashMap<>();

    /**
     * @param flowLoader the flow's class loader, whose own classes are allowed; null for none
     * @param allowedClasses user-allowed classes by name
     * @param allowedPackages user-allowed packages (exact)
     */
    Allowlist(ClassLoader flowLoader, Map<String, Class<?>> allowedClasses, Set<String> allowedPackages) {
        this.flowLoader = flowLoader;
        this.resolveLoader = flowLoader != null ? flowLoader : defaultLoader();
        this.allowedClasses = Map.copyOf(allowedClasses);
        this.allowedPackages = Set.copyOf(allowedPackages);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Allowlist.class.getClassLoader();
    }

    /** The loader classes are resolved through. */
    ClassLoader resolveLoader() {
        return resolveLoader;
    }

    /** Why {@code type} may not be serialized, or null when it may. Used when encoding. */
    String refusal(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        if (element.isPrimitive()) {
            return null;
        }
        if (element.isHidden() || element.isSynthetic() && element.getName().contains("$$Lambda")) {
            return "it is a lambda or another hidden class, whose code cannot be stored: store data (a record, a"
                    + " collection, an enum) instead, or make the field transient";
        }
        if (Proxy.isProxyClass(element)) {
            return "it is a dynamic proxy, which cannot be stored";
        }
        if (isAllowedName(element.getName()) || allowedClasses.get(element.getName()) == element) {
            return null;
        }
        if (flowLoader != null && element.getClassLoader() == flowLoader) {
            return null;
        }
        if (allowedPackages.contains(element.getPackageName())) {
            return null;
        }
        return hint(element);
    }

    private static String hint(Class<?> type) {
        if (Thread.class.isAssignableFrom(type) || ThreadGroup.class.isAssignableFrom(type)) {
            return "it is a live thread, which cannot be stored: make the field transient";
        }
        if (java.io.Closeable.class.isAssignableFrom(type) || ClassLoader.class.isAssignableFrom(type)
                || java.nio.channels.Channel.class.isAssignableFrom(type)) {
            return "it is a live resource (stream, channel, socket, class loader), which cannot be stored: make the"
                    + " field transient and store the data it reads instead";
        }
        if (type.getName().startsWith("java.") || type.getName().startsWith("javax.")
                || type.getName().startsWith("jdk.") || type.getName().startsWith("sun.")) {
            return "it is not one of the JDK value or collection types Baton stores: convert it to one (e.g. a List,"
                    + " Map, record or String)";
        }
        return "it is not on the serialization allowlist (neither defined by the flow's class loader nor allowed):"
                + " allow it with ArtifactCodec.Builder.allow(" + type.getSimpleName()
                + ".class) or allowPackage(\"" + type.getPackageName() + "\")";
    }

    private boolean isAllowedName(String name) {
        return JDK_CLASSES.contains(name);
    }

    /**
     * Resolves a class name read from a blob, refusing it before any class loading unless it is allowed.
     *
     * @return the class, or null when the name is not allowed (the caller raises)
     * @throws ClassNotFoundException when an allowed name does not resolve
     */
    Class<?> resolve(String name) throws ClassNotFoundException {
        Class<?> known = resolved.get(name);
        if (known != null) {
            return known;
        }
        Class<?> type = resolveUncached(name);
        if (type != null) {
            resolved.put(name, type);
        }
        return type;
    }

    private Class<?> resolveUncached(String name) throws ClassNotFoundException {
        if (name.startsWith("[")) {
            return resolveArray(name);
        }
        if (isAllowedName(name)) {
            // JDK classes: the bootstrap loader defines them whatever loader asks.
            return Class.forName(name, false, resolveLoader);
        }
        Class<?> user = allowedClasses.get(name);
        if (user != null) {
            return user;
        }
        int dot = name.lastIndexOf('.');
        String pkg = dot < 0 ? "" : name.substring(0, dot);
        if (allowedPackages.contains(pkg) && !name.contains("$$Lambda")) {
            return Class.forName(name, false, resolveLoader);
        }
        if (flowLoader != null && definedByFlowLoader(name)) {
            // Loaded (not initialized) only because the flow loader itself holds its bytes; checked again below.
            Class<?> type = Class.forName(name, false, flowLoader);
            if (type.getClassLoader() == flowLoader && !type.isHidden() && !Proxy.isProxyClass(type)) {
                return type;
            }
        }
        return null;
    }

    private Class<?> resolveArray(String name) throws ClassNotFoundException {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        String rest = name.substring(dims);
        if (rest.length() == 1 && "ZBCSIJFD".contains(rest)) {
            return Class.forName(name, false, resolveLoader);
        }
        if (!rest.startsWith("L") || !rest.endsWith(";")) {
            return null;
        }
        Class<?> element = resolve(rest.substring(1, rest.length() - 1));
        if (element == null) {
            return null;
        }
        Class<?> array = element;
        for (int i = 0; i < dims; i++) {
            array = array.arrayType();
        }
        return array;
    }

    /**
     * Whether the flow loader itself (not a parent) defines {@code name}, decided without loading it: the flow
     * loader holds the class file, or the name is in a package the flow loader has defined (its own re-definition
     * of classes from the parent's class path). Nothing is loaded for a name that belongs to the JDK or to
     * another package of the application class path.
     */
    private boolean definedByFlowLoader(String name) {
        String path = name.replace('.', '/') + ".class";
        URL own = flowLoader.getResource(path);
        if (own == null) {
            return false;
        }
        ClassLoader parent = flowLoader.getParent();
        URL inherited = parent != null ? parent.getResource(path) : ClassLoader.getPlatformClassLoader().getResource(path);
        if (inherited == null || !inherited.toString().equals(own.toString())) {
            return true;
        }
        // A child-first loader may re-define classes from its parent's class files: Baton's enhancing loader does
        // for a flow on the application class path (Baton.main, the fat jar), and classes sharing a package share
        // its loader. So a package the flow loader has itself defined is the flow's own; the caller still checks
        // that the loaded class is the flow loader's. Other names are refused without loading anything.
        int dot = name.lastIndexOf('.');
        return flowLoader.getDefinedPackage(dot < 0 ? "" : name.substring(0, dot)) != null;
    }
}
