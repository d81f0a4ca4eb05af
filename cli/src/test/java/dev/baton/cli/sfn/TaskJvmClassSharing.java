package dev.baton.cli.sfn;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Class-data sharing for the task JVMs of the end-to-end tests, as the container image has it (its AppCDS
 * archive): a task JVM spends most of its short life loading the same few thousand classes (the AWS SDK, Jackson,
 * Kryo, picocli, Baton), and a dynamic CDS archive maps them in pre-parsed instead, about a third less CPU per task
 * on this machine.
 *
 * <p>CDS archives classes from jars only, and a test class path holds the modules' {@code target/classes}
 * directories, so each directory is first packed into a jar ({@link #classpath()}). The first task JVM dumps the
 * archive at its exit under a temporary name; it is renamed into place only once that JVM has exited, because a
 * JVM that maps a half-written archive crashes. Task JVMs started before then simply run without it.
 */
final class TaskJvmClassSharing {
    private final String classpath;
    /** Null without class-data sharing. */
    private final Path archive;
    private final Path dump;
    private boolean dumping;

    private TaskJvmClassSharing(String classpath, Path dir) {
        this.classpath = classpath;
        this.archive = dir == null ? null : dir.resolve("tasks.jsa");
        this.dump = dir == null ? null : dir.resolve("tasks.jsa.dumping");
    }

    /** This JVM's class path as it is, and no archive (to compare; {@code BATON_TEST_CDS=false}). */
    static TaskJvmClassSharing withoutArchive() {
        return new TaskJvmClassSharing(System.getProperty("java.class.path"), null);
    }

    /** Packs the directories of this JVM's class path into jars under {@code dir}. */
    static TaskJvmClassSharing prepare(Path dir) {
        try {
            Files.createDirectories(dir);
            List<String> entries = new ArrayList<>();
            int n = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (Files.isDirectory(p)) {
                    Path jar = dir.resolve("classes-" + (n++) + ".jar");
                    pack(p, jar);
                    entries.add(jar.toString());
                } else if (Files.isRegularFile(p) && entry.endsWith(".jar") && !hasClassPath(p)) {
                    entries.add(entry);
                }
            }
            return new TaskJvmClassSharing(String.join(File.pathSeparator, entries), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack the test class path into jars for the task JVMs", e);
        }
    }

    /**
     * A jar whose manifest names a class path of its own (DynamoDB Local's names its directory) would make CDS
     * refuse to start the JVM; such jars are the test's servers, which no task uses, so they are left out.
     */
    private static boolean hasClassPath(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            return cp != null && !cp.isBlank();
        }
    }

    private static void pack(Path dir, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                j.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }

    /** The task JVMs' class path ({@code BATON_LAUNCH_CLASSPATH}): jars only. */
    String classpath() {
        return classpath;
    }

    /**
     * The JVM options ({@code BATON_JAVA_OPTS}) of the next task JVM: use the archive when it exists, else dump it
     * when no other JVM is dumping, else nothing.
     *
     * @return the options, and whether this JVM dumps (then call {@link #dumped} when it has exited)
     */
    synchronized Launch next() {
        if (archive == null) {
            return new Launch("", false);
        }
        if (Files.exists(archive)) {
            return new Launch("-XX:SharedArchiveFile=" + archive, false);
        }
        if (!dumping) {
            dumping = true;
            return new Launch("-XX:ArchiveClassesAtExit=" + dump, true);
        }
        return new Launch("", false);
    }

    /** The options of a JVM that may use the archive but never dumps it: the archive when it exists, else none. */
    synchronized String sharedOnly() {
        return archive != null && Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive : "";
    }

    /** The dumping JVM has exited: publish its archive (if it wrote one) by an atomic rename. */
    synchronized void dumped() {
        try {
            if (Files.exists(dump)) {
                Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            // CDS only saves time: without the archive the tasks start as they would anyway
        }
    }

    /** One task JVM's CDS options. */
    record Launch(String javaOptions, boolean dumps) {}
}
