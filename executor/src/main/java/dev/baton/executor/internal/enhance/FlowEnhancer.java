package dev.baton.executor.internal.enhance;

import dev.baton.executor.internal.enhance.ClassIndex.ArtifactField;
import dev.baton.executor.internal.enhance.ClassIndex.FieldInfo;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites artifact field access in one class file.
 *
 * <p>In a flow class {@code D} (a {@code FlowSpec} subclass defined by the enhancing loader), for each artifact
 * field {@code T f} it adds a tracking byte {@code $baton$state$f} (0 untouched, 1 loaded, 2 written) and static
 * accessors with the field's own visibility, so that every caller that could access the field can call them:
 *
 * <pre>{@code
 * static T $baton$get$f(D self) { if (self.$baton$state$f == 0) $baton$load$f(self); return self.f; }
 * static void $baton$put$f(D self, T v) { self.f = v; if (self.$baton$state$f != 2) $baton$wrote$f(self); }
 * private static void $baton$load$f(D self)   // only with a bound task context:
 *     { FlowSpecAccess.beforeRead(self, "f"); self.$baton$state$f = 1; }
 * private static void $baton$wrote$f(D self)  // only with a bound task context:
 *     { self.$baton$state$f = 2; FlowSpecAccess.afterWrite(self, "f"); }
 * public void $baton$resetTracking() { super.$baton$resetTracking(); $baton$state$f = 0; ... }
 * }</pre>
 *
 * The hot paths are one byte compare of a plain (non-volatile) field; the cold paths are separate methods so
 * the accessors stay small enough to be inlined everywhere. Tracking only changes while a context is bound, so
 * constructor and initializer writes (which run before the executor binds the task) never mark a field.
 *
 * <p>In every class (flow or not), {@code GETFIELD owner.f} / {@code PUTFIELD owner.f} of an artifact field
 * becomes {@code INVOKESTATIC owner.$baton$get$f} / {@code $baton$put$f}: same stack effect, so the existing stack
 * map frames stay valid and nothing needs recomputing. The call names {@code owner} (not the declaring class,
 * which may be inaccessible to the caller) and the JVM finds the static accessor up the superclass chain, as
 * it found the field. Not rewritten: writes inside a constructor of the declaring class (possibly to an
 * uninitialized {@code this}, and untracked anyway) and writes of {@code final} fields (only legal there).
 */
final class FlowEnhancer {
    static final String STATE_PREFIX = "$baton$state$";
    static final String GET_PREFIX = "$baton$get$";
    static final String PUT_PREFIX = "$baton$put$";
    static final String RESET = "$baton$resetTracking";
    static final byte UNTOUCHED = 0;
    static final byte LOADED = 1;
    static final byte WRITTEN = 2;

    private static final String LOAD_PREFIX = "$baton$load$";
    private static final String WROTE_PREFIX = "$baton$wrote$";
    private static final String ENHANCED_FLOW = Type.getInternalName(EnhancedFlow.class);
    private static final String ACCESS = "dev/baton/flow/internal/FlowSpecAccess";
    private static final String CONTEXT_DESC = "(Ldev/baton/flow/FlowSpec;)Ldev/baton/flow/internal/TaskContext;";
    private static final String HOOK_DESC = "(Ldev/baton/flow/FlowSpec;Ljava/lang/String;)V";

    private final ClassIndex index;
    private final Predicate<String> enhancedFlowClass;

    /**
     * @param enhancedFlowClass whether a class (internal name) is a flow class that this loader defines and
     *     therefore enhances: only its artifact fields get accessors to call
     */
    FlowEnhancer(ClassIndex index, Predicate<String> enhancedFlowClass) {
        this.index = index;
        this.enhancedFlowClass = enhancedFlowClass;
    }

    /** The enhanced class file, or {@code bytes} itself when the class needs no change. */
    byte[] enhance(String internalName, byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        if (Arrays.asList(reader.getInterfaces()).contains(ENHANCED_FLOW)) {
            return bytes; // already enhanced (e.g. bytes saved from an enhancing loader)
        }
        ClassWriter writer = new ClassWriter(0);
        Transformer transformer = new Transformer(writer, internalName);
        reader.accept(transformer, 0);
        return transformer.changed ? writer.toByteArray() : bytes;
    }

    private final class Transformer extends ClassVisitor {
        private final String className;
        private boolean flow;
        private int version;
        private String superName;
        boolean changed;

        Transformer(ClassVisitor next, String className) {
            super(Opcodes.ASM9, next);
            this.className = className;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            this.version = version;
            this.superName = superName;
            this.flow = enhancedFlowClass.test(name);
            String[] itfs = interfaces == null ? new String[0] : interfaces;
            String sig = signature;
            if (flow) {
                itfs = Arrays.copyOf(itfs, itfs.length + 1);
                itfs[itfs.length - 1] = ENHANCED_FLOW;
                if (sig != null) {
                    sig = sig + "L" + ENHANCED_FLOW + ";"; // a generic class lists its interfaces there too
                }
                changed = true;
            }
            super.visit(version, access, name, sig, superName, itfs);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new Rewriter(mv, name.equals("<init>"));
        }

        @Override
        public void visitEnd() {
            if (flow) {
                List<FieldInfo> fields = index.declaredArtifactFields(className);
                for (FieldInfo f : fields) {
                    addTracking(f);
                }
                addReset(fields);
            }
            super.visitEnd();
        }

        private boolean framesNeeded() {
            return (version & 0xFFFF) >= Opcodes.V1_6;
        }

        private void sameFrame(MethodVisitor mv) {
            if (framesNeeded()) {
                mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            }
        }

        private void addTracking(FieldInfo f) {
            String state = STATE_PREFIX + f.name();
            // Not volatile, on purpose: a plain flag lets the JIT hoist the check out of loops, so a loop over an
            // array artifact (`for (i < data.length) s += data[i]`) keeps range-check elimination and
            // vectorization (measured: volatile made such a loop ~1.5x slower and a scalar re-read not hoistable).
            // The price: a first read racing between threads is only ordered by the release fence below.
            FieldVisitor fv = cv.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_TRANSIENT | Opcodes.ACC_SYNTHETIC,
                    state, "B", null, null);
            fv.visitEnd();
            int visibility = f.access() & (Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED | Opcodes.ACC_PRIVATE);
            Type type = Type.getType(f.descriptor());
            String self = "L" + className + ";";

            MethodVisitor get = cv.visitMethod(visibility | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                    GET_PREFIX + f.name(), "(" + self + ")" + f.descriptor(), null, null);
            get.visitCode();
            Label loaded = new Label();
            get.visitVarInsn(Opcodes.ALOAD, 0);
            get.visitFieldInsn(Opcodes.GETFIELD, className, state, "B");
            get.visitJumpInsn(Opcodes.IFNE, loaded);
            get.visitVarInsn(Opcodes.ALOAD, 0);
            get.visitMethodInsn(Opcodes.INVOKESTATIC, className, LOAD_PREFIX + f.name(), "(" + self + ")V", false);
            get.visitLabel(loaded);
            sameFrame(get);
            get.visitVarInsn(Opcodes.ALOAD, 0);
            get.visitFieldInsn(Opcodes.GETFIELD, className, f.name(), f.descriptor());
            get.visitInsn(type.getOpcode(Opcodes.IRETURN));
            get.visitMaxs(Math.max(1, type.getSize()), 1);
            get.visitEnd();

            coldPath(LOAD_PREFIX + f.name(), self, f.name(), state, LOADED, "beforeRead");

            if (!f.isFinal()) {
                MethodVisitor put = cv.visitMethod(visibility | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                        PUT_PREFIX + f.name(), "(" + self + f.descriptor() + ")V", null, null);
                put.visitCode();
                Label written = new Label();
                put.visitVarInsn(Opcodes.ALOAD, 0);
                put.visitVarInsn(type.getOpcode(Opcodes.ILOAD), 1);
                put.visitFieldInsn(Opcodes.PUTFIELD, className, f.name(), f.descriptor());
                put.visitVarInsn(Opcodes.ALOAD, 0);
                put.visitFieldInsn(Opcodes.GETFIELD, className, state, "B");
                put.visitInsn(Opcodes.ICONST_2);
                put.visitJumpInsn(Opcodes.IF_ICMPEQ, written);
                put.visitVarInsn(Opcodes.ALOAD, 0);
                put.visitMethodInsn(Opcodes.INVOKESTATIC, className, WROTE_PREFIX + f.name(), "(" + self + ")V",
                        false);
                put.visitLabel(written);
                sameFrame(put);
                put.visitInsn(Opcodes.RETURN);
                put.visitMaxs(1 + type.getSize(), 1 + type.getSize());
                put.visitEnd();

                coldPath(WROTE_PREFIX + f.name(), self, f.name(), state, WRITTEN, "afterWrite");
            }
        }

        /** {@code if (FlowSpecAccess.context(self) != null) { ... hook and mark, in the right order ... }}. */
        private void coldPath(String method, String self, String field, String state, byte mark, String hook) {
            MethodVisitor mv = cv.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                    method, "(" + self + ")V", null, null);
            mv.visitCode();
            Label unbound = new Label();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, ACCESS, "context", CONTEXT_DESC, false);
            mv.visitJumpInsn(Opcodes.IFNULL, unbound);
            if (mark == WRITTEN) {
                // mark first: whatever afterWrite does, a later read must not reload over the new value
                markState(mv, state, mark);
            }
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitLdcInsn(field);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, ACCESS, hook, HOOK_DESC, false);
            if (mark == LOADED) {
                // mark after: if beforeRead throws, the next read tries again; the fence keeps the hook's write of
                // the value before the mark, for another thread that sees the mark
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/VarHandle", "releaseFence", "()V", false);
                markState(mv, state, mark);
            }
            mv.visitLabel(unbound);
            sameFrame(mv);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(2, 1);
            mv.visitEnd();
        }

        private void markState(MethodVisitor mv, String state, byte mark) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitInsn(Opcodes.ICONST_0 + mark);
            mv.visitFieldInsn(Opcodes.PUTFIELD, className, state, "B");
        }

        private void addReset(List<FieldInfo> fields) {
            MethodVisitor mv = cv.visitMethod(Opcodes.ACC_PUBLIC, RESET, "()V", null, null);
            mv.visitCode();
            if (enhancedFlowClass.test(superName)) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, RESET, "()V", false);
            }
            for (FieldInfo f : fields) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitInsn(Opcodes.ICONST_0);
                mv.visitFieldInsn(Opcodes.PUTFIELD, className, STATE_PREFIX + f.name(), "B");
            }
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(2, 1);
            mv.visitEnd();
        }

        private final class Rewriter extends MethodVisitor {
            private final boolean constructor;

            Rewriter(MethodVisitor next, boolean constructor) {
                super(Opcodes.ASM9, next);
                this.constructor = constructor;
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                if (opcode == Opcodes.GETFIELD || opcode == Opcodes.PUTFIELD) {
                    ArtifactField artifact = index.resolveArtifact(owner, name, descriptor);
                    if (artifact != null && enhancedFlowClass.test(artifact.declaringClass())
                            && !(opcode == Opcodes.PUTFIELD && (artifact.field().isFinal()
                                    || (constructor && artifact.declaringClass().equals(className))))) {
                        String self = "L" + artifact.declaringClass() + ";";
                        changed = true;
                        if (opcode == Opcodes.GETFIELD) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, owner, GET_PREFIX + name,
                                    "(" + self + ")" + descriptor, false);
                        } else {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, owner, PUT_PREFIX + name,
                                    "(" + self + descriptor + ")V", false);
                        }
                        return;
                    }
                }
                super.visitFieldInsn(opcode, owner, name, descriptor);
            }
        }
    }
}
