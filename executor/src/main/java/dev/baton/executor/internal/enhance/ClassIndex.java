package dev.baton.executor.internal.enhance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What the enhancer needs to know about classes it has not loaded (and must not load, since loading them would
 * define them in the wrong loader): superclass and declared fields, read from class-file bytes and cached.
 * Names are JVM internal names ({@code com/acme/MyFlow}).
 */
final class ClassIndex {
    static final String FLOW_SPEC = "dev/baton/flow/FlowSpec";

    /** A field as declared in a class file. */
    record FieldInfo(String name, String descriptor, int access) {
        /** Non-static, non-transient and user-written (not compiler-synthesized): an artifact if in a flow class. */
        boolean artifactCandidate() {
            return (access & (Opcodes.ACC_STATIC | Opcodes.ACC_TRANSIENT | Opcodes.ACC_SYNTHETIC)) == 0;
        }

        boolean isFinal() {
            return (access & Opcodes.ACC_FINAL) != 0;
        }
    }

    /** The parts of a class file the enhancer looks at. */
    record ClassInfo(String name, String superName, List<String> interfaces, List<FieldInfo> fields) {
        FieldInfo field(String fieldName, String descriptor) {
            for (FieldInfo f : fields) {
                if (f.name().equals(fieldName) && f.descriptor().equals(descriptor)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** An artifact field found by resolving a field instruction: where it is declared and how. */
    record ArtifactField(String declaringClass, FieldInfo field) {}

    private final Function<String, byte[]> bytesByInternalName;
    private final ConcurrentHashMap<String, Optional<ClassInfo>> infos = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Boolean> flowSubclass = new ConcurrentHashMap<>();

    /** @param bytesByInternalName the class file of a class, or {@code null} when it cannot be found */
    ClassIndex(Function<String, byte[]> bytesByInternalName) {
        this.bytesByInternalName = bytesByInternalName;
    }

    /** The class's structure, or empty when its bytes cannot be found. */
    Optional<ClassInfo> info(String internalName) {
        Optional<ClassInfo> cached = infos.get(internalName);
        if (cached != null) {
            return cached;
        }
        // computed outside computeIfAbsent: reading bytes may recurse into the index (nested class loading)
        Optional<ClassInfo> computed =
                Optional.ofNullable(bytesByInternalName.apply(internalName)).flatMap(ClassIndex::parse);
        Optional<ClassInfo> previous = infos.putIfAbsent(internalName, computed);
        return previous != null ? previous : computed;
    }

    /** Whether {@code internalName} is a strict subclass of {@code FlowSpec} (judged from bytes, nothing loaded). */
    boolean isFlowSubclass(String internalName) {
        if (internalName == null || isPlatform(internalName) || internalName.equals(FLOW_SPEC)) {
            return false;
        }
        Boolean known = flowSubclass.get(internalName);
        if (known != null) {
            return known;
        }
        Optional<ClassInfo> info = info(internalName);
        boolean result = info.isPresent()
                && (FLOW_SPEC.equals(info.get().superName()) || isFlowSubclass(info.get().superName()));
        flowSubclass.put(internalName, result);
        return result;
    }

    /**
     * The artifact fields a flow class declares itself (not inherited ones), in declaration order; empty for a
     * class that is not a flow.
     */
    List<FieldInfo> declaredArtifactFields(String internalName) {
        if (!isFlowSubclass(internalName)) {
            return List.of();
        }
        List<FieldInfo> result = new ArrayList<>();
        for (FieldInfo f : info(internalName).orElseThrow().fields()) {
            if (f.artifactCandidate()) {
                result.add(f);
            }
        }
        return result;
    }

    /**
     * Resolves a {@code GETFIELD}/{@code PUTFIELD owner.name:descriptor} the way the JVM does for instance fields
     * (the owner, then its superclasses) and returns the field if it is an artifact field of a flow class;
     * {@code null} otherwise, or when a class on the way cannot be read.
     */
    ArtifactField resolveArtifact(String owner, String name, String descriptor) {
        String current = owner;
        while (current != null && !isPlatform(current) && !current.equals(FLOW_SPEC)) {
            Optional<ClassInfo> info = info(current);
            if (info.isEmpty()) {
                return null;
            }
            FieldInfo f = info.get().field(name, descriptor);
            if (f != null) {
                return f.artifactCandidate() && isFlowSubclass(current) ? new ArtifactField(current, f) : null;
            }
            current = info.get().superName();
        }
        return null;
    }

    /** JDK classes: never flows, never worth reading. */
    static boolean isPlatform(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/") || internalName.startsWith("com/sun/");
    }

    /**
     * Empty for a class file ASM cannot read (e.g. a newer class file version than it knows): such a class is
     * treated as unknown, hence not a flow; if it is one, enhancing it fails later with a clear error.
     */
    private static Optional<ClassInfo> parse(byte[] bytes) {
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
        List<FieldInfo> fields = new ArrayList<>();
        String[] header = new String[2];
        List<String> interfaces = new ArrayList<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] itfs) {
                header[0] = name;
                header[1] = superName;
                if (itfs != null) {
                    interfaces.addAll(List.of(itfs));
                }
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                    Object value) {
                fields.add(new FieldInfo(name, descriptor, access));
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return Optional.of(new ClassInfo(header[0], header[1], List.copyOf(interfaces), List.copyOf(fields)));
    }
}
