package dev.baton.datastore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.datastore.spi.ObjectStoreProvider;
import dev.baton.flow.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatastoresTest {

    /** A provider registered in this module's test resources, standing in for a backend such as S3. */
    public static final class DirectoryProvider implements ObjectStoreProvider {
        @Override
        public String kind() {
            return "test-dir";
        }

        @Override
        public ObjectStore open(DatastoreConfig config) {
            return new LocalObjectStore(Path.of(config.root()));
        }
    }

    @TempDir
    Path root;

    @Test
    void otherKindsComeFromServiceLoadedProviders() {
        DatastoreConfig config = new DatastoreConfig("test-dir", root.toString(), Map.of());
        try (FlowDatastore ds = Datastores.open(config, "F", getClass().getClassLoader())) {
            ArtifactRef ref = ds.blobs().put("x", "through a provider");
            assertTrue(Files.isRegularFile(root.resolve("F/data/" + ref.key().substring(0, 2) + "/" + ref.key())));
            assertEquals("through a provider", ds.blobs().get("artifact 'x'", ref.key()));
        }
    }

    @Test
    void aDatastoreOverAnOpenStoreUsesItAndClosesItWithItself() {
        DatastoreConfig config = new DatastoreConfig("local", root.toString(), Map.of());
        boolean[] closed = {false};
        LocalObjectStore local = new LocalObjectStore(root);
        // the real store, seen through a proxy that notes when it is closed
        ObjectStore store = (ObjectStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        closed[0] = true;
                    }
                    try {
                        return method.invoke(local, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Datastores.warmUp(); // on any thread, before or while a datastore opens: no effect on what it stores
        ArtifactRef ref;
        try (FlowDatastore ds = Datastores.open(config, store, "F", getClass().getClassLoader())) {
            ref = ds.blobs().put("x", "over an open store");
            assertEquals("over an open store", ds.blobs().get("artifact 'x'", ref.key()));
        }
        assertTrue(closed[0]);
        assertTrue(Files.isRegularFile(root.resolve("F/data/" + ref.key().substring(0, 2) + "/" + ref.key())));
        assertThrows(ConfigurationException.class,
                () -> Datastores.open(config, new LocalObjectStore(root), "../F", getClass().getClassLoader()));
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> Datastores.open(
                new DatastoreConfig("ftp", root.toString(), Map.of()), "F", getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("'ftp'"), e.getMessage());
        assertTrue(e.getMessage().contains("local") && e.getMessage().contains("test-dir"), e.getMessage());
    }

    @Test
    void compressionLevelSettingReachesTheCodec() {
        byte[] zeros = new byte[1 << 20];
        long[] stored = new long[2];
        int i = 0;
        for (String level : new String[] {"0", "3"}) {
            Path dir = root.resolve("level" + level);
            DatastoreConfig config = new DatastoreConfig("local", dir.toString(), Map.of(Datastores.COMPRESSION_LEVEL, level));
            try (FlowDatastore ds = Datastores.open(config, "F", getClass().getClassLoader())) {
                String key = ds.blobs().put("zeros", zeros).key();
                stored[i++] = dir.resolve("F/data/" + key.substring(0, 2) + "/" + key).toFile().length();
            }
        }
        assertTrue(stored[0] > zeros.length, "level 0 stores uncompressed: " + stored[0]);
        assertTrue(stored[1] < zeros.length / 100, "level 3 compresses zeros: " + stored[1]);
    }

    @Test
    void badSettingsAndRootsAreConfigurationErrors() {
        ClassLoader loader = getClass().getClassLoader();
        ConfigurationException level = assertThrows(ConfigurationException.class, () -> Datastores.open(
                new DatastoreConfig("local", root.toString(), Map.of(Datastores.COMPRESSION_LEVEL, "fast")), "F", loader));
        assertTrue(level.getMessage().contains(Datastores.COMPRESSION_LEVEL), level.getMessage());
        assertThrows(ConfigurationException.class, () -> Datastores.open(
                new DatastoreConfig("local", root.toString(), Map.of(Datastores.PARALLELISM, "0")), "F", loader));
        assertThrows(ConfigurationException.class, () -> Datastores.open(
                new DatastoreConfig("local", " ", Map.of()), "F", loader));
        assertThrows(ConfigurationException.class, () -> Datastores.open(DatastoreConfig.local(root.toString()), "a/b", loader));
    }

    @Test
    void openCreatesTheRootDirectory() {
        Path nested = root.resolve("a/b/.baton");
        try (FlowDatastore created = Datastores.open(DatastoreConfig.local(nested.toString()), "F", getClass().getClassLoader())) {
            assertTrue(Files.isDirectory(nested));
            assertEquals(nested.toString(), created.root());
        }
    }
}
