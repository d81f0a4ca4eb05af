package dev.baton.executor.internal.enhance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.executor.internal.enhance.fixtures.GenericFlow;
import dev.baton.executor.internal.enhance.fixtures.LazyFlow;
import dev.baton.executor.internal.enhance.fixtures.Measurement;
import dev.baton.executor.internal.enhance.fixtures.other.Reporter;
import dev.baton.flow.FlowSpec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the enhancer adds to and changes in class files. */
class EnhancedClassShapeTest {
    private static final Class<? extends FlowSpec> FLOW = FlowClassLoading.enhance(LazyFlow.class);

    private static byte[] bytes(Class<?> c) throws IOException {
        try (InputStream in = c.getClassLoader().getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static FlowEnhancer enhancerOverTheTestClassPath() {
        ClassLoader loader = EnhancedClassShapeTest.class.getClassLoader();
        ClassIndex index = new ClassIndex(name -> {
            try (InputStream in = loader.getResourceAsStream(name + ".class")) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        return new FlowEnhancer(index, name -> name != null && index.isFlowSubclass(name));
    }

    @Test
    void classesThatTouchNoArtifactFieldAreLeftByteForByte() throws IOException {
        FlowEnhancer enhancer = enhancerOverTheTestClassPath();
        byte[] measurement = bytes(Measurement.class);
        byte[] reporter = bytes(Reporter.class);

        assertSame(measurement, enhancer.enhance(Measurement.class.getName().replace('.', '/'), measurement));
        assertNotSame(reporter, enhancer.enhance(Reporter.class.getName().replace('.', '/'), reporter));
    }

    @Test
    void enhancingTwiceChangesNothing() throws IOException {
        FlowEnhancer enhancer = enhancerOverTheTestClassPath();
        String name = LazyFlow.class.getName().replace('.', '/');
        byte[] once = enhancer.enhance(name, bytes(LazyFlow.class));

        assertSame(once, enhancer.enhance(name, once));
    }

    @Test
    void genericFlowsKeepAConsistentSignature() {
        Class<? extends FlowSpec> generic = FlowClassLoading.enhance(GenericFlow.class);

        assertEquals(1, generic.getTypeParameters().length);
        assertEquals(List.of(Comparable.class, EnhancedFlow.class), List.of(generic.getInterfaces()));
        assertEquals(2, generic.getGenericInterfaces().length);
        assertSame(EnhancedFlow.class, generic.getGenericInterfaces()[1]);
    }

    @Test
    void trackingFieldsAreTransientSyntheticAndPrivate() throws NoSuchFieldException {
        Field state = FLOW.getDeclaredField("$baton$state$count");

        assertEquals(byte.class, state.getType());
        assertTrue(state.isSynthetic());
        assertTrue(Modifier.isTransient(state.getModifiers()));
        assertTrue(Modifier.isPrivate(state.getModifiers()));
        assertThrows(NoSuchFieldException.class, () -> FLOW.getDeclaredField("$baton$state$scratch"));
        assertThrows(NoSuchFieldException.class, () -> FLOW.getDeclaredField("$baton$state$shared"));
    }

    @Test
    void accessorsHaveTheVisibilityOfTheirField() throws NoSuchMethodException {
        Method privateGet = FLOW.getDeclaredMethod("$baton$get$count", FLOW);
        Method publicGet = FLOW.getDeclaredMethod("$baton$get$loss", FLOW);
        Method packagePut = FLOW.getDeclaredMethod("$baton$put$name", FLOW, String.class);
        Method protectedGet = FLOW.getSuperclass().getDeclaredMethod("$baton$get$baseName", FLOW.getSuperclass());

        assertTrue(Modifier.isPrivate(privateGet.getModifiers()) && Modifier.isStatic(privateGet.getModifiers()));
        assertTrue(Modifier.isPublic(publicGet.getModifiers()));
        int pkg = packagePut.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.PRIVATE);
        assertEquals(0, pkg);
        assertTrue(Modifier.isProtected(protectedGet.getModifiers()));
        assertThrows(NoSuchMethodException.class,
                () -> FLOW.getDeclaredMethod("$baton$put$finalList", FLOW, java.util.List.class),
                "final fields get no write accessor");
        for (Method m : FLOW.getDeclaredMethods()) {
            if (m.getName().startsWith("$baton$") && !m.getName().equals("$baton$resetTracking")) {
                assertTrue(m.isSynthetic(), m.getName());
            }
        }
        assertEquals(Set.of(EnhancedFlow.class), Set.of(FLOW.getInterfaces()));
    }
}
