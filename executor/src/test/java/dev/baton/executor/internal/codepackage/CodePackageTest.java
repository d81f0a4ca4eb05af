package dev.baton.executor.internal.codepackage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.executor.CodePackages;
import dev.baton.flow.ConfigurationException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code packages against a real local object store: determinism, upload once, fetch, cache and tamper detection. */
class CodePackageTest {
    @TempDir
    Path tmp;

    private Path classesDir(String name, String content) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("com/acme/sub"));
        Files.writeString(dir.resolve("com/acme/A.class"), "A-" + content);
        Files.writeString(dir.resolve("com/acme/sub/B.class"), "B-" + content);
        Files.writeString(dir.resolve("app.properties"), "x=" + content);
        return dir;
    }

    private Path jar(String name, String content) throws Exception {
        Path jar = tmp.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("lib/L.class"));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private ObjectStore store(String name) {
        return Datastores.openObjectStore(new DatastoreConfig("local", tmp.resolve(name).toString(), Map.of()));
    }

    @Test
    void theSameCodeGivesTheSameKeyWhateverTheFileTimesAndTimeZone() throws Exception {
        Path dir = classesDir("classes", "v1");
        Path jar = jar("lib.jar", "lib-v1");
        PackageBuilder.Built first = PackageBuilder.build(List.of(dir, jar), tmp.resolve("p1.zip"));

        // touch every file, rebuild the same tree elsewhere, and build in another time zone
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2031-05-06T07:08:09Z")));
            }
        }
        Path copy = classesDir("elsewhere/classes", "v1");
        TimeZone zone = TimeZone.getDefault();
        PackageBuilder.Built second;
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
            second = PackageBuilder.build(List.of(copy, jar), tmp.resolve("p2.zip"));
        } finally {
            TimeZone.setDefault(zone);
        }
        assertEquals(first.key(), second.key());
        assertEquals(-1, Files.mismatch(first.file(), second.file()));
        assertEquals(List.of("cp/000-classes/", "cp/001-lib.jar"), first.entries());

        Files.writeString(dir.resolve("com/acme/sub/B.class"), "B-v2");
        assertNotEquals(first.key(), PackageBuilder.build(List.of(dir, jar), tmp.resolve("p3.zip")).key());
        // the class path order is part of the package (it decides which class wins)
        assertNotEquals(first.key(), PackageBuilder.build(List.of(jar, copy), tmp.resolve("p4.zip")).key());
    }

    @Test
    void uploadsOnceAndFetchesTheEntriesInClassPathOrder() throws Exception {
        Path dir = classesDir("classes", "v1");
        Path jar = jar("lib.jar", "lib-v1");
        try (ObjectStore store = store("ds")) {
            CodePackages.Uploaded up = CodePackages.buildAndUpload(store, "MyFlow", List.of(dir, jar));
            assertTrue(up.uploaded());
            assertTrue(store.exists("MyFlow/data/" + up.key().substring(0, 2) + "/" + up.key()));
            assertFalse(CodePackages.buildAndUpload(store, "MyFlow", List.of(dir, jar)).uploaded());

            Path cache = tmp.resolve("cache");
            List<Path> entries = CodePackages.fetch(store, "MyFlow", up.key(), cache);
            assertEquals(2, entries.size());
            assertEquals("B-v1", Files.readString(entries.get(0).resolve("com/acme/sub/B.class")));
            assertEquals("x=v1", Files.readString(entries.get(0).resolve("app.properties")));
            assertEquals(-1, Files.mismatch(jar, entries.get(1)));
            assertEquals(cache.resolve(up.key()), entries.get(0).getParent().getParent());

            // a second fetch is served from the cache: no request, even once the object is gone
            store.delete("MyFlow/data/" + up.key().substring(0, 2) + "/" + up.key());
            assertEquals(entries, CodePackages.fetch(store, "MyFlow", up.key(), cache));
        }
    }

    @Test
    void aTamperedPackageIsAClearErrorNamingTheKey() throws Exception {
        Path dir = classesDir("classes", "v1");
        try (ObjectStore store = store("ds")) {
            CodePackages.Uploaded up = CodePackages.buildAndUpload(store, "MyFlow", List.of(dir));
            Path other = PackageBuilder.build(List.of(classesDir("evil", "evil")), tmp.resolve("evil.zip")).file();
            String path = "MyFlow/data/" + up.key().substring(0, 2) + "/" + up.key();
            store.write(path, Files.readAllBytes(other));

            Path cache = tmp.resolve("cache");
            CodePackageException e = assertThrows(CodePackageException.class,
                    () -> CodePackages.fetch(store, "MyFlow", up.key(), cache));
            assertTrue(e.getMessage().contains(up.key()), e.getMessage());
            assertTrue(e.getMessage().contains("failed verification"), e.getMessage());
            assertFalse(Files.exists(cache.resolve(up.key())), "nothing unverified is unpacked");
            try (var files = Files.list(cache)) {
                assertEquals(List.of(), files.toList(), "no download left behind");
            }
        }
    }

    @Test
    void missingOrMalformedPackagesAreConfigurationErrors() throws Exception {
        try (ObjectStore store = store("ds")) {
            String absent = "ab".repeat(32);
            ConfigurationException missing = assertThrows(ConfigurationException.class,
                    () -> CodePackages.fetch(store, "MyFlow", absent, tmp.resolve("cache")));
            assertTrue(missing.getMessage().contains("not found") && missing.getMessage().contains(absent),
                    missing.getMessage());
            assertThrows(CodePackageException.class,
                    () -> CodePackages.fetch(store, "MyFlow", "../../etc", tmp.resolve("cache")));

            // bytes that hash right but are not a package: a zip with an entry escaping its root
            Path evil = tmp.resolve("slip.zip");
            try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(evil))) {
                zip.putNextEntry(new java.util.zip.ZipEntry("../../outside"));
                zip.write(1);
                zip.closeEntry();
            }
            byte[] bytes = Files.readAllBytes(evil);
            String key = PackageFormat.hex(PackageBuilder.sha256().digest(bytes));
            try (ObjectStore.Staged s = store.stage()) {
                try (OutputStream out = s.out()) {
                    out.write(bytes);
                }
                s.commitIfAbsent(PackageFormat.objectPath("MyFlow", key));
            }
            CodePackageException slip = assertThrows(CodePackageException.class,
                    () -> CodePackages.fetch(store, "MyFlow", key, tmp.resolve("cache")));
            assertTrue(slip.getMessage().contains("outside its root"), slip.getMessage());
            assertFalse(Files.exists(tmp.resolve("outside")));
        }
    }

    @Test
    void aClassPathEntryThatIsNeitherADirectoryNorAJarIsNamed() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "x");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> PackageBuilder.build(List.of(text), tmp.resolve("p.zip")));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
        assertEquals("Fancy", CodePackages.flowNameOf("com.acme.Outer$Fancy"));
        assertEquals("HelloFlow", CodePackages.flowNameOf("dev.baton.examples.HelloFlow"));
    }
}
