package dev.baton.executor.internal.enhance;

import dev.baton.flow.ConfigurationException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * The user's {@code --classpath} entries: directories and jars (a trailing {@code *} stands for every jar in a
 * directory, as with {@code java -cp}). Jars stay open until {@link #close()}. Thread-safe.
 */
final class ClassPathEntries implements Closeable {
    /** One entry: where its resources are and its code-source location. */
    private sealed interface Entry permits Dir, Jar {
        URL location();
    }

    private record Dir(Path root, URL location) implements Entry {}

    private record Jar(JarFile jar, URL location) implements Entry {}

    private final List<Entry> entries;

    private ClassPathEntries(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Opens the entries.
     *
     * @throws ConfigurationException naming the entry when one does not exist or is not a readable jar
     */
    static ClassPathEntries open(List<Path> classpath) {
        List<Entry> entries = new ArrayList<>();
        try {
            for (Path p : classpath) {
                if (p.getFileName() != null && p.getFileName().toString().equals("*")) {
                    Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
                    for (Path jar : jarsIn(dir)) {
                        entries.add(jar(jar));
                    }
                } else if (Files.isDirectory(p)) {
                    entries.add(new Dir(p.toAbsolutePath().normalize(), url(p)));
                } else if (Files.isRegularFile(p)) {
                    entries.add(jar(p));
                } else {
                    throw new ConfigurationException("--classpath entry " + p
                            + " does not exist: give existing directories or jars, separated by the path separator");
                }
            }
        } catch (RuntimeException e) {
            new ClassPathEntries(entries).close();
            throw e;
        }
        return new ClassPathEntries(List.copyOf(entries));
    }

    private static List<Path> jarsIn(Path dir) {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.{jar,JAR}")) {
            stream.forEach(jars::add);
        } catch (IOException e) {
            throw new ConfigurationException("--classpath entry " + dir.resolve("*") + " cannot be listed: " + e, e);
        }
        Collections.sort(jars); // deterministic order, as the JDK does not promise one for wildcards
        return jars;
    }

    private static Jar jar(Path p) {
        try {
            // versioned: a multi-release jar serves the classes for this JVM, as the application loader would
            return new Jar(new JarFile(p.toFile(), true, ZipFile.OPEN_READ, Runtime.version()), url(p));
        } catch (IOException e) {
            throw new ConfigurationException("--classpath entry " + p + " is neither a directory nor a readable jar: "
                    + e.getMessage(), e);
        }
    }

    private static URL url(Path p) {
        try {
            return p.toAbsolutePath().normalize().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new ConfigurationException("--classpath entry " + p + " cannot be expressed as a URL: " + e, e);
        }
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** A found resource: its bytes and the code-source location of the entry that holds it. */
    record Found(byte[] bytes, URL location) {}

    /** The first entry's copy of resource {@code name} ({@code a/b/C.class}), or {@code null}. */
    Found read(String name) {
        for (Entry e : entries) {
            try {
                if (e instanceof Dir d) {
                    Path file = d.root().resolve(name).normalize();
                    if (file.startsWith(d.root()) && Files.isRegularFile(file)) {
                        return new Found(Files.readAllBytes(file), d.location());
                    }
                } else if (e instanceof Jar j) {
                    JarEntry entry = j.jar().getJarEntry(name);
                    if (entry != null) {
                        try (InputStream in = j.jar().getInputStream(entry)) {
                            return new Found(in.readAllBytes(), j.location());
                        }
                    }
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read " + name + " from --classpath entry " + e.location(), ex);
            }
        }
        return null;
    }

    /** URLs of every entry's copy of resource {@code name}, in class path order. */
    List<URL> urls(String name) {
        List<URL> urls = new ArrayList<>();
        for (Entry e : entries) {
            try {
                if (e instanceof Dir d) {
                    Path file = d.root().resolve(name).normalize();
                    if (file.startsWith(d.root()) && Files.exists(file)) {
                        urls.add(file.toUri().toURL());
                    }
                } else if (e instanceof Jar j && j.jar().getJarEntry(name) != null) {
                    urls.add(new URL("jar:" + j.location() + "!/" + name));
                }
            } catch (MalformedURLException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return urls;
    }

    @Override
    public void close() {
        for (Entry e : entries) {
            if (e instanceof Jar j) {
                try {
                    j.jar().close();
                } catch (IOException ignored) {
                    // closing a read-only jar cannot lose data
                }
            }
        }
    }
}
