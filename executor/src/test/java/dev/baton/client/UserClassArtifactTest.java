package dev.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.flow.BatonException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Artifacts whose class only the flow's class path defines decode through the class loader given to the client. */
class UserClassArtifactTest {
    @TempDir
    Path tmp;

    @Test
    void decodesUserClassesThroughTheGivenLoaderOnly() throws Exception {
        Path src = tmp.resolve("src/com/acme/Model.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package com.acme; public record Model(String name, double[] weights) {"
                + " public String describe() { return name + ':' + weights.length; } }");
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), src.toString()));

        Path root = tmp.resolve("store");
        try (URLClassLoader flowLoader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Object model = flowLoader.loadClass("com.acme.Model").getConstructors()[0].newInstance("m", new double[] {1, 2});
            try (StoreFixture fx = new StoreFixture(root, "ModelFlow", flowLoader)) {
                fx.run("1", 0, RunStatus.SUCCEEDED);
                fx.ok("1", "end", "1", 0, Map.of("model", model));
            }
            try (Client client = Baton.client(DatastoreConfig.local(root.toString()), flowLoader)) {
                TaskHandle end = client.flow("ModelFlow").latestRun().endTask().orElseThrow();
                Object value = end.artifact("model");
                assertEquals("com.acme.Model", value.getClass().getName());
                assertEquals("m:2", value.getClass().getMethod("describe").invoke(value));
                assertEquals("com.acme.Model", end.artifacts().get("model").type());
            }
        }
        // Without the flow's class path, the value cannot be decoded, and the error says which class is missing.
        try (Client client = Baton.client(root.toString())) {
            TaskHandle end = client.flow("ModelFlow").latestRun().endTask().orElseThrow();
            BatonException e = assertThrows(BatonException.class, () -> end.artifact("model"));
            assertTrue(e.getMessage().contains("com.acme.Model"), e.getMessage());
        }
    }
}
