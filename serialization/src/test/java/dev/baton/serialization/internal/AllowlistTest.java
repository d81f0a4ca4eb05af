package dev.baton.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.ConfigurationException;
import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.ArtifactSerializationException;
import dev.baton.serialization.DisallowedClassException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding instantiates nothing outside the allowlist; encoding refuses what could not be read back. */
class AllowlistTest {

    /** Records every class name it is asked to load. */
    static final class RecordingLoader extends URLClassLoader {
        final List<String> requested = Collections.synchronizedList(new ArrayList<>());

        RecordingLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }

    /** A class a test can name without allowing it; its initializer and constructor count their runs. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static int created;

        Gadget() {
            created++;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "org.apache.commons.collections.functors.InvokerTransformer",
        "java.lang.ProcessBuilder",
        "javax.management.BadAttributeValueExpException",
        "java.lang.Runtime",
        "java.net.URL",
        "com.sun.rowset.JdbcRowSetImpl",
        "[Ljava.lang.ProcessBuilder;",
        "dev.baton.serialization.internal.AllowlistTest$Gadget"})
    void aBlobNamingAGadgetIsRefusedWithoutLoadingIt(String gadget) throws Exception {
        RecordingLoader loader = new RecordingLoader(new URL[0], getClass().getClassLoader());
        int before = Gadget.created;
        ArtifactCodec codec = ArtifactCodec.builder().classLoader(loader).build();
        for (boolean zstd : new boolean[] {false, true}) {
            byte[] serialized = HandCraftedBlobs.namingClass(gadget, new byte[] {1, 2, 3, 4});
            byte[] blob = HandCraftedBlobs.frame(serialized, zstd);
            String key = HandCraftedBlobs.sha256Hex(serialized);
            DisallowedClassException e = assertThrows(DisallowedClassException.class,
                    () -> codec.decode("model of Flow/1/train/2", key, new ByteArrayInputStream(blob)));
            assertTrue(e.getMessage().contains(gadget), e.getMessage());
            assertTrue(e.getMessage().contains("model of Flow/1/train/2"), e.getMessage());
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        String element = gadget.startsWith("[L") ? gadget.substring(2, gadget.length() - 1) : gadget;
        assertFalse(loader.requested.contains(element), () -> "loaded " + loader.requested);
        assertFalse(loader.requested.contains(gadget), () -> "loaded " + loader.requested);
        assertEquals(before, Gadget.created);
    }

    @Test
    void aGadgetNestedInAnAllowedCollectionIsRefused() {
        ArtifactCodec writer = ArtifactCodec.builder().allow(Gadget.class).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.encode("items", new ArrayList<>(List.of("a", Map.of("k", List.of(new Gadget())))), out);
        int before = Gadget.created;
        ArtifactCodec reader = ArtifactCodec.builder().build();
        DisallowedClassException e = assertThrows(DisallowedClassException.class,
                () -> reader.decode("items", null, new ByteArrayInputStream(out.toByteArray())));
        assertTrue(e.getMessage().contains(Gadget.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("'items'"), e.getMessage());
        assertEquals(before, Gadget.created);
    }

    @Test
    void userClassesNeedTheFlowLoaderOrAnAllowance() {
        ArtifactCodec open = ArtifactCodec.builder().allow(Gadget.class).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        open.encode("g", new Gadget(), out);
        assertInstanceOf(Gadget.class, open.decode("g", null, new ByteArrayInputStream(out.toByteArray())));

        ArtifactCodec closed = ArtifactCodec.builder().build();
        int before = Gadget.created;
        DisallowedClassException e = assertThrows(DisallowedClassException.class,
                () -> closed.decode("g", null, new ByteArrayInputStream(out.toByteArray())));
        assertTrue(e.getMessage().contains(Gadget.class.getName()), e.getMessage());
        assertEquals(before, Gadget.created);

        ArtifactCodec byPackage = ArtifactCodec.builder().allowPackage("dev.baton.serialization.internal").build();
        assertInstanceOf(Gadget.class, byPackage.decode("g", null, new ByteArrayInputStream(out.toByteArray())));
        // Exactly that package: not its parent.
        ArtifactCodec parent = ArtifactCodec.builder().allowPackage("dev.baton.serialization").build();
        assertThrows(DisallowedClassException.class,
                () -> parent.decode("g", null, new ByteArrayInputStream(out.toByteArray())));
    }

    @Test
    void classesDefinedByTheFlowLoaderAreAllowedButNotItsParents(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/userflow/Weights.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package userflow;\n"
                + "public class Weights implements java.util.function.Supplier<Object> {\n"
                + "  private final double[] w; private final String name;\n"
                + "  public Weights(String name, int n) { this.name = name; w = new double[n];"
                + "    for (int i = 0; i < n; i++) w[i] = i * 0.5; }\n"
                + "  public Object get() { return name + ':' + w.length + ':' + w[w.length - 1]; }\n"
                + "}\n", StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), src.toString()));
        try (RecordingLoader flowLoader = new RecordingLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Object weights = flowLoader.loadClass("userflow.Weights").getConstructor(String.class, int.class)
                    .newInstance("w", 10_000);
            ArtifactCodec codec = ArtifactCodec.builder().classLoader(flowLoader).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            codec.encode("weights", weights, out);
            Object back = codec.decode("weights", null, new ByteArrayInputStream(out.toByteArray()));
            assertEquals(flowLoader, back.getClass().getClassLoader());
            assertEquals("w:10000:4999.5", ((Supplier<?>) back).get());

            // The parent's classes (here the test's own Gadget) stay refused even through the flow loader.
            ByteArrayOutputStream gadget = new ByteArrayOutputStream();
            ArtifactCodec.builder().allow(Gadget.class).build().encode("g", new Gadget(), gadget);
            flowLoader.requested.clear();
            assertThrows(DisallowedClassException.class,
                    () -> codec.decode("g", null, new ByteArrayInputStream(gadget.toByteArray())));
            assertFalse(flowLoader.requested.contains(Gadget.class.getName()), () -> "loaded " + flowLoader.requested);

            // A codec without the flow loader refuses the flow's class.
            ArtifactCodec stranger = ArtifactCodec.builder().build();
            assertThrows(ArtifactSerializationException.class,
                    () -> stranger.decode("weights", null, new ByteArrayInputStream(out.toByteArray())));
        }
    }

    /**
     * Baton's enhancing loader re-defines a flow's classes from its parent's class files when the flow is on the
     * application class path ({@code Baton.main}, the fat jar): both loaders then name the same resource, yet the
     * class is the flow loader's own, and a later task must read back the records it wrote.
     */
    @Test
    void classesAChildFirstFlowLoaderRedefinesFromItsParentAreAllowed(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/userflow/Pair.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package userflow;\npublic record Pair(String name, int n) {}\n", StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.toString()));
        try (URLClassLoader application = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            ClassLoader flowLoader = new ClassLoader("redefining", application) {
                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    if (!name.startsWith("userflow.")) {
                        return super.loadClass(name, resolve);
                    }
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        if (c == null) {
                            try (InputStream in = application.getResourceAsStream(name.replace('.', '/') + ".class")) {
                                byte[] bytes = in.readAllBytes();
                                c = defineClass(name, bytes, 0, bytes.length);
                            } catch (java.io.IOException e) {
                                throw new ClassNotFoundException(name, e);
                            }
                        }
                        return c;
                    }
                }
            };
            Object pair = flowLoader.loadClass("userflow.Pair").getConstructor(String.class, int.class)
                    .newInstance("w", 7);
            ArtifactCodec codec = ArtifactCodec.builder().classLoader(flowLoader).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            codec.encode("pair", pair, out);
            Object back = codec.decode("pair", null, new ByteArrayInputStream(out.toByteArray()));
            assertEquals(flowLoader, back.getClass().getClassLoader());
            assertEquals(pair, back);
            // a class of a package the flow loader never defined (the test's own Gadget) stays refused
            ByteArrayOutputStream gadget = new ByteArrayOutputStream();
            ArtifactCodec.builder().allow(Gadget.class).build().encode("g", new Gadget(), gadget);
            assertThrows(DisallowedClassException.class,
                    () -> codec.decode("g", null, new ByteArrayInputStream(gadget.toByteArray())));
        }
    }

    @Test
    void aThreadFieldIsRefusedWhenEncodingWithItsPath() {
        ArtifactCodec codec = ArtifactCodec.builder().allowPackage("dev.baton.serialization.internal").build();
        Holder holder = new Holder("h", new Inner(new Thread(() -> { })));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArtifactSerializationException e = assertThrows(ArtifactSerializationException.class,
                () -> codec.encode("state", holder, out));
        assertTrue(e.getMessage().contains("'state'"), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.Thread"), e.getMessage());
        assertTrue(e.getMessage().contains("Holder.inner -> Inner.worker"), e.getMessage());
        assertTrue(e.getMessage().contains("transient"), e.getMessage());
        assertFalse(endsWithTrailer(out.toByteArray()), "a failed encode must not look complete");
        assertEquals(0, out.size(), "a value refused early leaves the destination untouched");
    }

    @Test
    void streamsLambdasAndUnknownJdkTypesAreRefusedWhenEncoding() {
        ArtifactCodec codec = ArtifactCodec.builder().build();
        InputStream stream = new ByteArrayInputStream(new byte[1]);
        assertRefused(codec, stream, "live resource");
        Runnable lambda = () -> { };
        assertRefused(codec, lambda, "lambda");
        Runnable serializableLambda = (Runnable & Serializable) () -> { };
        assertRefused(codec, serializableLambda, "lambda");
        assertRefused(codec, new StringBuilder().append("x").chars().boxed().toList().stream(), "");
        assertRefused(codec, List.of(new java.util.concurrent.atomic.AtomicLong()), "java.util.concurrent.atomic.AtomicLong");
        assertRefused(codec, Map.of("k", new Gadget()), "allow(Gadget.class)");
    }

    @Test
    void jdkPackagesCannotBeAllowedWholesale() {
        assertThrows(ConfigurationException.class, () -> ArtifactCodec.builder().allowPackage("java.lang"));
        assertThrows(ConfigurationException.class, () -> ArtifactCodec.builder().allowPackage("javax.management"));
        assertThrows(ConfigurationException.class, () -> ArtifactCodec.builder().allowPackage(""));
        Runnable lambda = () -> { };
        assertThrows(ConfigurationException.class, () -> ArtifactCodec.builder().allow(lambda.getClass()));
    }

    private static void assertRefused(ArtifactCodec codec, Object value, String fragment) {
        ArtifactSerializationException e = assertThrows(ArtifactSerializationException.class,
                () -> codec.encode("thing", value, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("'thing'"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static boolean endsWithTrailer(byte[] blob) {
        return blob.length >= 8 && new String(blob, blob.length - 8, 4, StandardCharsets.ISO_8859_1).equals("NTAB");
    }

    static final class Holder {
        final String name;
        final Inner inner;

        Holder(String name, Inner inner) {
            this.name = name;
            this.inner = inner;
        }
    }

    static final class Inner {
        final Thread worker;

        Inner(Thread worker) {
            this.worker = worker;
        }
    }
}
