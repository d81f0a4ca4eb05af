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
                "dev/baton/examples/HelloFlow")) {
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
