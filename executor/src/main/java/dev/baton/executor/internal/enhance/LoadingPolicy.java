package dev.baton.executor.internal.enhance;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which classes the enhancing loader defines itself (child-first, enhanced) and which it leaves to its parent.
 * The rules, in order, for a class named {@code N} (see the package documentation for why):
 *
 * <ol>
 *   <li><b>parent only</b>: {@code java.*}, the flow API {@code dev.baton.flow.*} and this package's own types
 *       ({@code dev.baton.executor.internal.enhance.*}, not its sub-packages) must be the very same
 *       {@link Class} objects as the executor's, so they always come from the parent;</li>
 *   <li><b>parent first</b>: other JDK packages ({@code javax.}, {@code jdk.}, {@code sun.}, {@code com.sun.}),
 *       SLF4J, ASM and the rest of Baton's runtime ({@code dev.baton.*} outside the user packages) come from the
 *       parent when it has them, else from the {@code --classpath} entries;</li>
 *   <li>anything else found in the {@code --classpath} entries is defined here;</li>
 *   <li>a class found only through the parent is re-defined here from its bytes when it is in a <em>user
 *       package</em> (the flow's package and sub-packages, the packages of its flow superclasses, and always
 *       {@code dev.baton.examples}), when it is a flow class ({@code FlowSpec} subclass), or when its bytes name a
 *       class of a user package (which every class that touches an artifact field does); a {@code dev.baton.*}
 *       class outside the examples only when it comes from where the flow class does (checked by the loader);</li>
 *   <li>everything else comes from the parent.</li>
 * </ol>
 */
final class LoadingPolicy {
    private static final String ENHANCE_PACKAGE = "dev/baton/executor/internal/enhance/";
    private static final String EXAMPLES = "dev/baton/examples";
    private static final List<String> PARENT_FIRST =
            List.of("javax/", "jdk/", "sun/", "com/sun/", "org/slf4j/", "org/objectweb/asm/", "dev/baton/");

    /** Package roots in internal form ({@code com/acme}); {@code ""} is the unnamed package (no sub-packages). */
    private final Set<String> userRoots;

    LoadingPolicy(Set<String> userPackageRoots) {
        Set<String> roots = new LinkedHashSet<>(userPackageRoots);
        roots.add(EXAMPLES);
        this.userRoots = Set.copyOf(roots);
    }

    /** The user package root (internal form) of a class: its package. */
    static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /** Rule 1: must be shared with the parent, whatever the class path says. */
    boolean parentOnly(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("dev/baton/flow/")
                || (internalName.startsWith(ENHANCE_PACKAGE)
                        && internalName.indexOf('/', ENHANCE_PACKAGE.length()) < 0);
    }

    /** Rule 2: taken from the parent when it has it. */
    boolean parentFirst(String internalName) {
        if (isUserClass(internalName)) {
            return false;
        }
        for (String prefix : PARENT_FIRST) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** In a user package (rule 4). */
    boolean isUserClass(String internalName) {
        if (parentOnly(internalName)) {
            return false;
        }
        String pkg = packageOf(internalName);
        for (String root : userRoots) {
            if (root.isEmpty() ? pkg.isEmpty() : pkg.equals(root) || pkg.startsWith(root + "/")) {
                return true;
            }
        }
        return false;
    }
}
