package dev.baton.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.internal.cds.CdsTraining;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's AppCDS training (container/Dockerfile): its tasks really run against the training S3 endpoint, so the
 * class list holds the S3 client's request and response pipeline and the code package path, and the archive it
 * writes is one a JVM with the task's flags maps.
 */
class CdsTrainingTest {

    @Test
    void theTrainingRecordsTheS3TaskPathAndWritesAnArchiveTheTaskJvmMaps(@TempDir Path tmp) throws Exception {
        String classPath = jarsOnly(System.getProperty("java.class.path"), tmp);
        Path archive = tmp.resolve("archive/baton.jsa");
        SortedSet<String> classes = CdsTraining.train(archive, CdsTraining.DEFAULT_JVM_OPTIONS, classPath,
                new PrintStream(OutputStream.nullOutputStream()));

        // responses only a task that reached S3 parses (the former training against a refusing endpoint lacked them)
        for (String recorded : List.of("software/amazon/awssdk/services/s3/model/GetObjectResponse",
                "software/amazon/awssdk/services/s3/model/PutObjectResponse",
                "software/amazon/awssdk/services/s3/model/HeadBucketResponse",
                "dev/baton/executor/internal/codepackage/PackageStore",
                "dev/baton/executor/internal/TaskRun",
                "dev/baton/examples/HelloFlow",
                // the TLS set-up of a client for AWS's https endpoint, which the http training endpoint's client skips
                "sun/security/ssl/SSLContextImpl",
                "software/amazon/awssdk/http/apache/internal/conn/SdkTlsSocketFactory")) {
            assertTrue(classes.contains(recorded), recorded + " is not in the class list");
        }
        assertTrue(Files.size(archive) > 10_000_000, "archive of " + Files.size(archive) + " bytes");
        assertFalse(Files.exists(archive.resolveSibling("baton.jsa.tmp")));

        // -Xshare:on: the JVM refuses to start unless it can map the archive for this class path and these flags
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(CdsTraining.DEFAULT_JVM_OPTIONS);
        cmd.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-cp", classPath, "dev.baton.cli.Main",
                "--version"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.startsWith("baton "), out);
    }

    @Test
    void onJdk25TheTrainingWritesAnAotCacheThatTheTaskJvmUses(@TempDir Path tmp) throws Exception {
        // as the Dockerfile does with JAVA_VERSION=25: the training runs on the image's JDK, the archive named .aot
        String classPath = withoutManifestClassPaths(jarsOnly(System.getProperty("java.class.path"), tmp));
        Path cache = tmp.resolve("cache/baton.aot");
        Result training = java(Jdk25.java(), List.of("-cp", classPath, CdsTraining.class.getName(), cache.toString()));
        assertEquals(0, training.code(), training.out());
        assertTrue(training.out().contains("AOT cache " + cache + " written"), training.out());
        assertTrue(Files.size(cache) > 10_000_000, "cache of " + Files.size(cache) + " bytes");
        assertFalse(Files.exists(cache.resolveSibling("baton.aot.tmp")));

        // -XX:AOTMode=on: the JVM refuses to start unless it can use the cache with this class path and these flags
        List<String> run = new ArrayList<>(CdsTraining.AOT_JVM_OPTIONS);
        run.addAll(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache, "-cp", classPath, "dev.baton.cli.Main",
                "--version"));
        Result version = java(Jdk25.java(), run);
        assertEquals(0, version.code(), version.out());
        assertTrue(version.out().startsWith("baton "), version.out());
    }

    @Test
    void anAotCacheAskedOfJdk17IsAUsageError(@TempDir Path tmp) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Result r = java(java, List.of("-cp", System.getProperty("java.class.path"), CdsTraining.class.getName(),
                tmp.resolve("baton.aot").toString()));
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("needs JDK 25 or later"), r.out());
        assertFalse(Files.exists(tmp.resolve("baton.aot")));
    }

    record Result(int code, String out) {}

    private static Result java(Path java, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    /**
     * {@code classPath} without the jars whose manifest adds a {@code Class-Path} (test tools such as DynamoDB Local,
     * whose {@code .} entry is a directory): creating an AOT cache refuses a class path with a non-empty directory.
     * The image's class path is the fat jar alone.
     */
    private static String withoutManifestClassPaths(String classPath) throws Exception {
        List<String> kept = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
                java.util.jar.Manifest manifest = jar.getManifest();
                if (manifest == null
                        || manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH) == null) {
                    kept.add(entry);
                }
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    /**
     * This build's class path with each classes directory packed into a jar: a CDS archive takes jars only (the
     * image's class path is the fat jar). Test classes stay out, as they are out of the image.
     */
    private static String jarsOnly(String classPath, Path tmp) throws Exception {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.isDirectory(path)) {
                entries.add(entry);
            } else if (!path.getFileName().toString().equals("test-classes")) {
                Path jar = tmp.resolve("classes-" + n++ + ".jar");
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                        Stream<Path> files = Files.walk(path)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        out.putNextEntry(new JarEntry(path.relativize(file).toString().replace(File.separatorChar, '/')));
                        out.write(Files.readAllBytes(file));
                        out.closeEntry();
                    }
                }
                entries.add(jar.toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
