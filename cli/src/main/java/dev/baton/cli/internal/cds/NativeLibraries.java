package dev.baton.cli.internal.cds;

import com.github.luben.zstd.util.ZstdVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Installs the native library that the fat jar carries for zstd-jni (the artifact codec's compression) in a
 * directory of the JVM's library path, at image build (container/Dockerfile: {@code /usr/java/packages/lib}, the
 * first directory of a Linux JDK's default {@code java.library.path}).
 *
 * <p>Why: zstd-jni first asks {@code System.loadLibrary} for its library by its versioned name, and only when that
 * fails copies the library for the platform (~0.9 MB) out of the jar into a temporary file and loads that. Every
 * task's process did that copy: ~16 ms of CPU and a temporary file per task. Installed once in the image, the
 * library loads directly. The name carries zstd-jni's version, so a jar with another version does not find it and
 * falls back to the copy, as before.
 *
 * <p>Usage: {@code java -cp baton.jar dev.baton.cli.internal.cds.NativeLibraries DIR}. Exit codes: 0 installed (the
 * path is printed), 1 an I/O error, 2 usage or a platform the jar has no library for.
 */
public final class NativeLibraries {
    private NativeLibraries() {}

    /** See the class description. */
    public static void main(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -cp baton.jar " + NativeLibraries.class.getName() + " DIR");
            System.exit(2);
        }
        try {
            System.out.println(installZstd(Path.of(args[0])));
            System.exit(0);
        } catch (IllegalStateException e) {
            System.err.println("baton: " + e.getMessage());
            System.exit(2);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("baton: cannot install the zstd-jni library in " + args[0] + ": " + e);
            System.exit(1);
        }
    }

    /** The file name {@code System.loadLibrary} looks for when zstd-jni asks for its library. */
    public static String zstdLibraryFileName() {
        return System.mapLibraryName("zstd-jni-" + ZstdVersion.VERSION);
    }

    /**
     * The resource of zstd-jni's library for a platform, as zstd-jni names it in its jar.
     *
     * @throws IllegalStateException for a platform other than Linux (the container image's)
     */
    public static String zstdResource(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new IllegalStateException("the zstd-jni library is installed for Linux images only, not for "
                    + osName);
        }
        String arch = osArch.equals("x86_64") ? "amd64" : osArch;
        return "linux/" + arch + "/" + zstdLibraryFileName();
    }

    /**
     * Writes zstd-jni's library for this platform into {@code directory} (created if missing) under the name
     * {@code System.loadLibrary} looks for, through a temporary file and a rename (a JVM never maps half a file).
     *
     * @return the installed library
     * @throws IllegalStateException when the class path has no zstd-jni library for this platform
     */
    public static Path installZstd(Path directory) throws IOException {
        String resource = zstdResource(System.getProperty("os.name"), System.getProperty("os.arch"));
        Files.createDirectories(directory);
        Path target = directory.resolve(zstdLibraryFileName());
        Path temporary = Files.createTempFile(directory, zstdLibraryFileName(), ".tmp");
        try (InputStream in = ZstdVersion.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("zstd-jni " + ZstdVersion.VERSION + " has no library for this"
                        + " platform (" + resource + " is not on the class path)");
            }
            Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // the file system's default permissions apply
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return target;
    }
}
