package dev.baton.cli.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.internal.cds.NativeLibraries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zstd-jni library that the image installs in the JVM's library path (container/Dockerfile): installed under
 * the name zstd-jni asks {@code System.loadLibrary} for, and then loaded from there, without the copy out of the jar
 * into a temporary file that each task's process made before.
 */
class NativeLibrariesTest {

    @Test
    void installsTheJarsLibraryForThisPlatformUnderItsVersionedName(@TempDir Path dir) throws IOException {
        Path installed = NativeLibraries.installZstd(dir.resolve("lib"));
        assertEquals(System.mapLibraryName("zstd-jni-" + com.github.luben.zstd.util.ZstdVersion.VERSION),
                installed.getFileName().toString());
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(
                NativeLibraries.zstdResource(System.getProperty("os.name"), System.getProperty("os.arch")))) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(installed));
        }
        try (Stream<Path> files = Files.list(installed.getParent())) {
            assertEquals(List.of(installed), files.toList(), "no temporary file left behind");
        }
        // again: replaces the file in place
        assertEquals(installed, NativeLibraries.installZstd(dir.resolve("lib")));
    }

    @Test
    void namesTheLibraryAsZstdJniDoesInItsJarForLinuxOnly() {
        String name = NativeLibraries.zstdLibraryFileName();
        assertEquals("linux/amd64/" + name, NativeLibraries.zstdResource("Linux", "amd64"));
        assertEquals("linux/amd64/" + name, NativeLibraries.zstdResource("Linux", "x86_64"));
        assertEquals("linux/aarch64/" + name, NativeLibraries.zstdResource("Linux", "aarch64"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NativeLibraries.zstdResource("Mac OS X", "aarch64"));
        assertTrue(e.getMessage().contains("Mac OS X"), e.getMessage());
    }

    /**
     * A JVM with the installed library in its library path maps that file; without it, zstd-jni maps a copy it made
     * in the temporary directory (so the check can tell the two apart). Read from the process's own memory map.
     */
    @Test
    void aJvmWithTheInstalledLibraryLoadsItWithoutACopy(@TempDir Path dir) throws Exception {
        Path installed = NativeLibraries.installZstd(dir.resolve("lib"));
        assertEquals(installed.toString(), mappedLibrary(dir.resolve("tmp-installed"), "-Djava.library.path="
                + installed.getParent()));
        Path tmp = dir.resolve("tmp-plain");
        String copy = mappedLibrary(tmp, "-Djava.library.path=" + dir.resolve("empty"));
        assertTrue(copy.startsWith(tmp.toString()) && copy.contains("libzstd-jni"), copy);
    }

    /** Runs {@link LoadZstd} in a JVM with its own temporary directory; returns the zstd library it mapped. */
    private static String mappedLibrary(Path tmp, String libraryPath) throws Exception {
        Files.createDirectories(tmp);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                libraryPath, "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                LoadZstd.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Compresses with zstd, then prints the path of the zstd library file this process has mapped. */
    public static final class LoadZstd {
        public static void main(String[] args) throws IOException {
            com.github.luben.zstd.Zstd.compress(new byte[64]);
            // a line of /proc/self/maps: address perms offset dev inode path (a deleted file: " (deleted)" after it)
            System.out.println(Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(line -> line.contains("libzstd-jni"))
                    .map(line -> line.substring(line.indexOf('/')).replace(" (deleted)", ""))
                    .distinct().collect(java.util.stream.Collectors.joining(",")));
        }
    }
}
