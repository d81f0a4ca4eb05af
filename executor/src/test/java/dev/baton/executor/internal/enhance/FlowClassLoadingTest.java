package dev.baton.executor.internal.enhance;

import static dev.baton.executor.internal.enhance.Reflect.bound;
import static dev.baton.executor.internal.enhance.Reflect.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.baton.executor.internal.enhance.FieldAccess.State;
import dev.baton.executor.internal.enhance.fixtures.HidingFlow;
import dev.baton.executor.internal.enhance.fixtures.LazyFlow;
import dev.baton.executor.internal.enhance.fixtures.base.BaseFlow;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.serialization.EncodedBlob;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;

/** Which classes the enhancing loader defines, from --classpath entries and from the parent's class path. */
class FlowClassLoadingTest {
    private static final Map<String, String> SOURCES = Map.of(
            "com/acme/flows/TempFlow.java", """
                    package com.acme.flows;

                    import com.acme.util.Plain;
                    import com.acme.util.Stats;
                    import dev.baton.flow.FlowSpec;

                    public class TempFlow extends FlowSpec {
                        public double loss = 1.0;
                        String label = "init";

                        public double doubled() { return Stats.twice(this); }
                        public String plain() { return Plain.hello() + label; }
                        public ClassLoader statsLoader() { return Stats.class.getClassLoader(); }
                        public ClassLoader plainLoader() { return Plain.class.getClassLoader(); }
                    }
                    """,
            "com/acme/util/Stats.java", """
                    package com.acme.util;

                    import com.acme.flows.TempFlow;

                    public final class Stats {
                        public static double twice(TempFlow flow) { return flow.loss * 2; }
                    }
                    """,
            "com/acme/util/Plain.java", """
                    package com.acme.util;

                    public final class Plain {
                        public static String hello() { return "hi-"; }
                    }
                    """,
            "DefaultFlow.java", """
                    import dev.baton.flow.FlowSpec;

                    public class DefaultFlow extends FlowSpec {
                        int x = 1;
                        public int twice() { return DefaultHelper.sum(this, this); }
                    }
                    """,
            "dev/baton/serialization/NeighbourFlow.java", """
                    package dev.baton.serialization;

                    import dev.baton.flow.FlowSpec;

                    public class NeighbourFlow extends FlowSpec {
                        public Class<?> runtimeClass() { return EncodedBlob.class; }
                    }
                    """,
            "DefaultHelper.java", """
                    final class DefaultHelper {
                        static int sum(DefaultFlow a, DefaultFlow b) { return a.x + b.x; }
                    }
                    """);

    @TempDir
    static Path temp;
    static Path classes;
    static Path jar;

    @BeforeAll
    static void compileUserCode() throws IOException {
        Path src = Files.createDirectories(temp.resolve("src"));
        classes = Files.createDirectories(temp.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-cp",
                Path.of(codeSource(FlowSpec.class)) + File.pathSeparator + Path.of(codeSource(EncodedBlob.class))));
        for (Map.Entry<String, String> e : SOURCES.entrySet()) {
            Path file = src.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "test sources compile");

        jar = Files.createDirectories(temp.resolve("lib")).resolve("user.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
    }

    private static URI codeSource(Class<?> c) {
        try {
            return c.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static ClassLoader testLoader() {
        return FlowClassLoadingTest.class.getClassLoader();
    }

    private static void assertLazyTempFlow(Class<? extends FlowSpec> flowClass) {
        assertTrue(FlowClassLoading.isEnhanced(flowClass));
        assertSame(FlowSpec.class, flowClass.getSuperclass(), "the flow API is shared with the executor");
        RecordingContext context = new RecordingContext().store("loss", 4.0).store("label", "stored");
        FlowSpec flow = bound(flowClass, context);

        assertEquals(8.0, call(flow, "doubled"), "a class of another package reads the field through the hook");
        assertEquals("hi-stored", call(flow, "plain"));
        assertEquals(List.of("loss", "label"), context.reads);
    }

    @Test
    void loadsAFlowFromAClasspathDirectory() {
        Class<? extends FlowSpec> flowClass = FlowClassLoading.load("com.acme.flows.TempFlow", List.of(classes),
                testLoader());

        assertLazyTempFlow(flowClass);
        FlowSpec flow = Reflect.newFlow(flowClass);
        assertSame(flowClass.getClassLoader(), call(flow, "statsLoader"));
        assertSame(flowClass.getClassLoader(), call(flow, "plainLoader"), "--classpath entries are child-first");
        assertSame(flowClass, FlowClassLoading.load("com.acme.flows.TempFlow", List.of(classes), testLoader()),
                "the same arguments give the same class");
    }

    @Test
    void loadsAFlowFromAJarWithItsCodeSourceAndResources() throws Exception {
        Class<? extends FlowSpec> flowClass = FlowClassLoading.load("com.acme.flows.TempFlow", List.of(jar),
                testLoader());

        assertLazyTempFlow(flowClass);
        assertEquals(jar.toUri().toURL(), flowClass.getProtectionDomain().getCodeSource().getLocation());
        URL resource = flowClass.getClassLoader().getResource("com/acme/util/Plain.class");
        assertTrue(resource.toString().startsWith("jar:" + jar.toUri().toURL()), resource.toString());
        try (var in = flowClass.getClassLoader().getResourceAsStream("com/acme/util/Plain.class")) {
            assertEquals("com/acme/util/Plain", new ClassReader(in.readAllBytes()).getClassName());
        }
    }

    @Test
    void expandsAJarWildcard() {
        Class<? extends FlowSpec> flowClass = FlowClassLoading.load("com.acme.flows.TempFlow",
                List.of(jar.getParent().resolve("*")), testLoader());

        assertLazyTempFlow(flowClass);
    }

    @Test
    void loadsADefaultPackageFlowAndItsHelper() {
        Class<? extends FlowSpec> flowClass = FlowClassLoading.load("DefaultFlow", List.of(classes), testLoader());
        RecordingContext context = new RecordingContext().store("x", 20);

        assertEquals(40, call(bound(flowClass, context), "twice"));
        assertEquals(List.of("x"), context.reads);
    }

    @Test
    void redefinesAFlowOnTheParentsClassPathWithTheClassesThatTouchItsFields() throws Exception {
        try (URLClassLoader app = new URLClassLoader(new URL[] {classes.toUri().toURL()}, testLoader())) {
            Class<?> plainFlow = app.loadClass("com.acme.flows.TempFlow");

            Class<? extends FlowSpec> flowClass = FlowClassLoading.load("com.acme.flows.TempFlow", List.of(), app);

            assertNotSame(plainFlow, flowClass);
            assertSame(flowClass, FlowClassLoading.enhance(plainFlow.asSubclass(FlowSpec.class)));
            assertLazyTempFlow(flowClass);
            FlowSpec flow = Reflect.newFlow(flowClass);
            assertSame(flowClass.getClassLoader(), call(flow, "statsLoader"),
                    "Stats names the flow class, so it is re-defined and enhanced");
            assertSame(app, call(flow, "plainLoader"), "Plain is outside the user packages and names none of them");
        }
    }

    @Test
    void redefinesTestClasspathFlowsChildFirstButSharesTheRuntime() throws Exception {
        Class<? extends FlowSpec> flowClass = FlowClassLoading.enhance(LazyFlow.class);
        ClassLoader loader = flowClass.getClassLoader();

        assertNotSame(LazyFlow.class, flowClass);
        assertInstanceOf(FlowClassLoader.class, loader);
        assertSame(flowClass, FlowClassLoading.enhance(LazyFlow.class));
        assertSame(flowClass, FlowClassLoading.enhance(flowClass));
        assertTrue(FlowClassLoading.isEnhanced(flowClass));
        assertTrue(!FlowClassLoading.isEnhanced(LazyFlow.class));

        Class<?> base = flowClass.getSuperclass();
        assertEquals(BaseFlow.class.getName(), base.getName());
        assertNotSame(BaseFlow.class, base, "the abstract superclass is re-defined with it");
        assertSame(loader, base.getClassLoader());
        assertSame(FlowSpec.class, base.getSuperclass());
        assertSame(Inputs.class, loader.loadClass(Inputs.class.getName()));
        assertSame(FieldAccess.class, loader.loadClass(FieldAccess.class.getName()));
        assertSame(EnhancedFlow.class, loader.loadClass(EnhancedFlow.class.getName()));
        assertSame(Kryo.class, loader.loadClass(Kryo.class.getName()), "libraries stay shared");
        assertSame(ClassReader.class, loader.loadClass(ClassReader.class.getName()));
        assertSame(FlowClassLoadingTest.class, loader.loadClass(FlowClassLoadingTest.class.getName()));
    }

    @Test
    void aFlowInARuntimePackageDoesNotPullTheRuntimeIntoItsLoader() throws Exception {
        Class<? extends FlowSpec> fromEntries =
                FlowClassLoading.load("dev.baton.serialization.NeighbourFlow", List.of(classes), testLoader());
        assertSame(EncodedBlob.class, call(Reflect.newFlow(fromEntries), "runtimeClass"));

        try (URLClassLoader app = new URLClassLoader(new URL[] {classes.toUri().toURL()}, testLoader())) {
            Class<? extends FlowSpec> fromParent =
                    FlowClassLoading.load("dev.baton.serialization.NeighbourFlow", List.of(), app);
            assertTrue(FlowClassLoading.isEnhanced(fromParent));
            assertSame(EncodedBlob.class, call(Reflect.newFlow(fromParent), "runtimeClass"));
        }
    }

    @Test
    void enhancedUserClassesRoundTripThroughKryoGivenTheLoader() throws Exception {
        Class<? extends FlowSpec> flowClass = FlowClassLoading.enhance(LazyFlow.class);
        ClassLoader loader = flowClass.getClassLoader();
        Class<?> measurementClass = loader.loadClass("dev.baton.executor.internal.enhance.fixtures.Measurement");
        Class<?> snapshotClass = loader.loadClass("dev.baton.executor.internal.enhance.fixtures.Snapshot");
        assertSame(loader, measurementClass.getClassLoader());
        Object measurement = measurementClass.getDeclaredConstructor().newInstance();
        measurementClass.getField("label").set(measurement, "m1");
        measurementClass.getField("values").set(measurement, new ArrayList<>(List.of(1.5, 2.5)));
        Object snapshot = snapshotClass.getDeclaredConstructor(double.class, String.class).newInstance(0.5, "s");
        measurementClass.getField("snapshot").set(measurement, snapshot);
        FlowSpec flow = Reflect.newFlow(flowClass);
        FieldAccess.of(flowClass).set(flow, "loss", 0.125);

        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        kryo.setClassLoader(loader);
        Output out = new Output(1024, -1);
        kryo.writeClassAndObject(out, measurement);
        kryo.writeClassAndObject(out, flow);
        Input in = new Input(out.toBytes());
        Object measurementCopy = kryo.readClassAndObject(in);
        FlowSpec flowCopy = (FlowSpec) kryo.readClassAndObject(in);

        assertSame(measurementClass, measurementCopy.getClass());
        assertEquals("m1", measurementClass.getField("label").get(measurementCopy));
        assertEquals(List.of(1.5, 2.5), measurementClass.getField("values").get(measurementCopy));
        assertEquals(snapshot, measurementClass.getField("snapshot").get(measurementCopy));
        assertSame(flowClass, flowCopy.getClass());
        assertEquals(0.125, FieldAccess.of(flowClass).get(flowCopy, "loss"));
        assertEquals(State.UNTOUCHED, FieldAccess.of(flowClass).state(flowCopy, "loss"));
    }

    @Test
    void aMissingFlowClassIsAConfigurationErrorNamingIt() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> FlowClassLoading.load("com.acme.flows.Missing", List.of(classes), testLoader()));
        assertTrue(e.getMessage().contains("com.acme.flows.Missing") && e.getMessage().contains("--classpath"),
                e.getMessage());

        ConfigurationException onParent = assertThrows(ConfigurationException.class,
                () -> FlowClassLoading.load("com.acme.flows.Missing", List.of(), testLoader()));
        assertTrue(onParent.getMessage().contains("com.acme.flows.Missing"), onParent.getMessage());
    }

    @Test
    void aClassThatIsNotAFlowIsAConfigurationError() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> FlowClassLoading.load("com.acme.util.Plain", List.of(classes), testLoader()));
        assertTrue(e.getMessage().startsWith("com.acme.util.Plain ") && e.getMessage().contains("is not a flow"),
                e.getMessage());

        ConfigurationException api = assertThrows(ConfigurationException.class,
                () -> FlowClassLoading.load(FlowSpec.class.getName(), List.of(), testLoader()));
        assertTrue(api.getMessage().contains(FlowSpec.class.getName()), api.getMessage());
    }

    @Test
    void aMissingClasspathEntryIsAConfigurationErrorNamingIt() {
        Path missing = temp.resolve("no-such.jar");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> FlowClassLoading.load("com.acme.flows.TempFlow", List.of(classes, missing), testLoader()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void concurrentFirstLoadsShareOneClass() throws Exception {
        Path copy = temp.resolve("concurrent");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = copy.resolve(classes.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Class<?>>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    Class<? extends FlowSpec> flow =
                            FlowClassLoading.load("com.acme.flows.TempFlow", List.of(copy), testLoader());
                    // and resolve the flow's other classes concurrently through the same loader
                    flow.getClassLoader().loadClass("com.acme.util.Stats");
                    return flow;
                }));
            }
            start.countDown();
            Class<?> first = results.get(0).get();
            for (Future<Class<?>> r : results) {
                assertSame(first, r.get());
            }
            assertLazyTempFlow(first.asSubclass(FlowSpec.class));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClassFileTooNewForTheEnhancerIsAConfigurationErrorNamingItsVersion() throws IOException {
        Path dir = temp.resolve("too-new");
        Path file = dir.resolve("com/acme/flows/TempFlow.class");
        Files.createDirectories(file.getParent());
        byte[] bytes = Files.readAllBytes(classes.resolve("com/acme/flows/TempFlow.class"));
        bytes[6] = 0;
        bytes[7] = 99; // major version 99: no ASM knows it
        Files.write(file, bytes);

        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> FlowClassLoading.load("com.acme.flows.TempFlow", List.of(dir, classes), testLoader()));
        assertTrue(e.getMessage().contains("com.acme.flows.TempFlow") && e.getMessage().contains("version 99"),
                e.getMessage());
    }

    @Test
    void anArtifactFieldHidingAnotherIsAConfigurationError() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> FlowClassLoading.enhance(HidingFlow.class));
        assertTrue(e.getMessage().contains("'baseCount'") && e.getMessage().contains(HidingFlow.class.getName())
                && e.getMessage().contains(BaseFlow.class.getName()), e.getMessage());
    }

    @Test
    void plainClassesHaveNoTracking() {
        FieldAccess plain = FieldAccess.of(LazyFlow.class);
        FlowSpec flow = new LazyFlow();

        assertTrue(!plain.enhanced());
        assertEquals(7, plain.get(flow, "count"));
        assertThrows(IllegalStateException.class, () -> plain.state(flow, "count"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> plain.get(flow, "nope"));
        assertTrue(unknown.getMessage().contains("'nope'") && unknown.getMessage().contains("count"));
        IllegalArgumentException badType =
                assertThrows(IllegalArgumentException.class, () -> plain.set(flow, "count", "seven"));
        assertTrue(badType.getMessage().contains("java.lang.String"), badType.getMessage());
        FlowSpec other = Reflect.newFlow(FlowClassLoading.enhance(LazyFlow.class));
        assertThrows(IllegalArgumentException.class, () -> plain.get(other, "count"),
                "an instance of the enhanced twin is not an instance of the plain class");
    }
}
