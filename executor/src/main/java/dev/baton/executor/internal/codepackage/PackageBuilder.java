package dev.baton.executor.internal.codepackage;

import dev.baton.flow.ConfigurationException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a deterministic code package from class path entries (directories and jars): the same entries with the
 * same file contents give byte-identical zips, hence the same key, whatever the files' times, the directory
 * listing order or the builder's time zone.
 */
public final class PackageBuilder {
    private PackageBuilder() {}

    /**
     * A built package file.
     *
     * @param key the SHA-256 of the file's bytes, lower-case hex
     * @param file the zip
     * @param size its size in bytes
     * @param entries the class path entries inside it, in order ({@code cp/000-classes/}, {@code cp/001-a.jar})
     */
    public record Built(String key, Path file, long size, List<String> entries) {}

    /**
     * Writes the package of {@code classpath} to {@code out}.
     *
     * @throws ConfigurationException when an entry does not exist or is neither a directory nor a jar/zip
     */
    public static Built build(List<Path> classpath, Path out) {
        if (classpath.isEmpty()) {
            throw new ConfigurationException("baton package: --classpath names no entries; pass the flow's classes"
                    + " directory and its jars");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classpath.size(); i++) {
            Path entry = classpath.get(i);
            String prefix = entryName(i, entry);
            if (Files.isDirectory(entry)) {
                names.add(prefix + "/");
            } else if (Files.isRegularFile(entry) && isArchive(entry)) {
                names.add(prefix);
            } else {
                throw new ConfigurationException("--classpath entry " + entry + " is not a directory or a jar"
                        + (Files.exists(entry) ? "" : " (it does not exist)"));
            }
        }
        MessageDigest sha = sha256();
        try (OutputStream file = Files.newOutputStream(out);
                DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), sha);
                ZipOutputStream zip = new ZipOutputStream(digest, StandardCharsets.UTF_8)) {
            zip.setLevel(PackageFormat.LEVEL);
            StringBuilder manifest = new StringBuilder(PackageFormat.FORMAT_LINE).append('\n');
            names.forEach(n -> manifest.append(n).append('\n'));
            put(zip, PackageFormat.MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < classpath.size(); i++) {
                Path entry = classpath.get(i);
                if (Files.isDirectory(entry)) {
                    addDirectory(zip, entry, names.get(i));
                } else {
                    addStored(zip, entry, names.get(i));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the code package " + out + ": " + e.getMessage(), e);
        }
        try {
            return new Built(PackageFormat.hex(sha.digest()), out, Files.size(out), List.copyOf(names));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index keeps same-named entries (two "classes" directories) apart and shows the order. */
    private static String entryName(int index, Path entry) {
        String name = entry.getFileName() == null ? "root" : entry.getFileName().toString();
        return PackageFormat.ENTRY_ROOT + String.format(Locale.ROOT, "%03d-", index)
                + name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static boolean isArchive(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jar") || n.endsWith(".zip");
    }

    private static void addDirectory(ZipOutputStream zip, Path dir, String prefix) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = new ArrayList<>(walk.filter(Files::isRegularFile).toList());
        }
        // by the '/'-separated relative name, not by the file system's listing order
        List<String> relative = new ArrayList<>();
        for (Path f : files) {
            relative.add(dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/"));
        }
        Integer[] order = new Integer[files.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> relative.get(a).compareTo(relative.get(b)));
        for (int i : order) {
            ZipEntry e = entry(prefix + relative.get(i));
            zip.putNextEntry(e);
            Files.copy(files.get(i), zip);
            zip.closeEntry();
        }
    }

    /** A jar goes in as is, uncompressed: it is compressed already, and deflating it again costs CPU for nothing. */
    private static void addStored(ZipOutputStream zip, Path jar, String name) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        long size = 0;
        try (InputStream in = Files.newInputStream(jar)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
                size += n;
            }
        }
        ZipEntry e = entry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        Files.copy(jar, zip);
        zip.closeEntry();
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(entry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static ZipEntry entry(String name) {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(PackageFormat.FIXED_TIME);
        return e;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
