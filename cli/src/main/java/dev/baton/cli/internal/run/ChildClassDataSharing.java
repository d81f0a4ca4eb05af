package dev.baton.cli.internal.run;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where the application class-data-sharing archive of {@code baton step} children lives. A child JVM spends most
 * of its short life loading and verifying the same few thousand classes; a dynamic CDS archive (JDK 13+) maps
 * them in pre-parsed instead. The first child dumps it at exit ({@code -XX:ArchiveClassesAtExit}); the local
 * runtime's {@code ChildTask} turns that flag into {@code -XX:SharedArchiveFile} for every later child once the
 * archive exists (and drops it for children started while another one is still dumping).
 *
 * <p>CDS only archives classes from jars, so this applies when the class path is made of jars only (the
 * {@code baton} fat jar); the archive's name is a hash of the JVM and of every jar's path, size and modification
 * time, so a rebuilt jar never meets a stale archive.
 */
final class ChildClassDataSharing {
    static final String DUMP_FLAG = "-XX:ArchiveClassesAtExit=";

    private ChildClassDataSharing() {}

    static Optional<Path> archive(String classpath) {
        if (classpath == null || classpath.isBlank() || "false".equals(System.getenv("BATON_CHILD_CDS"))) {
            return Optional.empty();
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((System.getProperty("java.home") + "|" + Runtime.version()).getBytes(StandardCharsets.UTF_8));
            for (String entry : classpath.split(File.pathSeparator)) {
                Path p = Path.of(entry).toAbsolutePath();
                if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
                    return Optional.empty(); // a directory on the class path: CDS would refuse to dump
                }
                sha.update((p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis())
                        .getBytes(StandardCharsets.UTF_8));
            }
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "baton-cds");
            Files.createDirectories(dir);
            return Optional.of(dir.resolve(HexFormat.of().formatHex(sha.digest()).substring(0, 24) + ".jsa"));
        } catch (Exception e) {
            return Optional.empty(); // CDS is an optimization: without it children just start slower
        }
    }
}
