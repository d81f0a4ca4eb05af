package dev.baton.coordinator.internal;

import dev.baton.coordinator.CoordinatorException;
import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The embedded coordinator for local runs: one small file per record under a directory, so that tasks running
 * as separate JVMs ({@code --isolation process}) share it without a server.
 *
 * <p>Layout, for a record keyed by pathspec {@code A/b/c/d} (each segment percent-encoded, see {@link #encode}):
 * <pre>
 * &lt;dir&gt;/A/b/c/d/@split                 the split's cardinality, decimal
 * &lt;dir&gt;/A/b/c/d/@switch                the step a switch chose
 * &lt;dir&gt;/A/b/c/d/@registrations/&lt;i&gt;     the task pathspec that reached the join for foreach index i
 * </pre>
 * Every write goes to a temporary file first and is then published in one atomic step: a hard link for the
 * create-once records (so the first writer wins and later writers compare), a rename for registrations (the
 * latest attempt of a branch wins). One file per index means concurrent registrations never overwrite each
 * other, and a reader never sees a half-written record. Names starting with {@code @} or {@code .} can never
 * be an encoded pathspec segment, so records and temporary files never collide with deeper pathspecs.
 */
public final class LocalForeachCoordinator implements ForeachCoordinator {
    private static final String SPLIT = "@split";
    private static final String SWITCH = "@switch";
    private static final String REGISTRATIONS = "@registrations";
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path root;

    /** A coordinator storing its records under {@code root} (created when missing). */
    public LocalForeachCoordinator(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The directory this coordinator stores its records under. */
    public Path root() {
        return root;
    }

    @Override
    public void recordSplit(String splitPathspec, int cardinality) {
        Checks.pathspec("split pathspec", splitPathspec);
        Checks.cardinality(splitPathspec, cardinality);
        String existing = createOnce(recordDir(splitPathspec).resolve(SPLIT), Integer.toString(cardinality),
                "foreach split " + splitPathspec);
        if (existing != null && parseCardinality(splitPathspec, existing) != cardinality) {
            throw new CoordinatorException("foreach split " + splitPathspec + " already recorded cardinality "
                    + existing.strip() + ", and this attempt produced " + cardinality + " items; a split must produce"
                    + " the same items on every attempt: make the foreach list deterministic, or start a new run");
        }
    }

    @Override
    public OptionalInt cardinality(String splitPathspec) {
        Checks.pathspec("split pathspec", splitPathspec);
        return read(recordDir(splitPathspec).resolve(SPLIT), "foreach split " + splitPathspec)
                .map(text -> OptionalInt.of(parseCardinality(splitPathspec, text)))
                .orElse(OptionalInt.empty());
    }

    @Override
    public void registerBranch(String splitPathspec, int index, String taskPathspec) {
        Checks.pathspec("split pathspec", splitPathspec);
        Checks.index(splitPathspec, index);
        Checks.pathspec("task pathspec", taskPathspec);
        Path dir = recordDir(splitPathspec).resolve(REGISTRATIONS);
        String what = "registration of foreach index " + index + " of split " + splitPathspec;
        try {
            Path tmp = writeTemp(dir, taskPathspec);
            // rename(2) replaces atomically: the latest attempt of a branch wins, and a duplicate is a no-op
            Files.move(tmp, dir.resolve(Integer.toString(index)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw ioFailure(what, dir, e);
        }
    }

    @Override
    public List<String> joinInputs(String splitPathspec) {
        Checks.pathspec("split pathspec", splitPathspec);
        int cardinality = cardinality(splitPathspec).orElseThrow(() -> new CoordinatorException(
                "the join of foreach split " + splitPathspec + " found no recorded cardinality under " + root
                        + ": the split task has not succeeded, or it ran with a different coordinator directory"));
        Path dir = recordDir(splitPathspec).resolve(REGISTRATIONS);
        Map<Integer, String> registrations = new HashMap<>();
        String what = "registrations of foreach split " + splitPathspec;
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (name.startsWith(TEMP_PREFIX)) {
                        continue;   // a registration being written, or left by a crashed writer
                    }
                    int index;
                    try {
                        index = Integer.parseInt(name);
                    } catch (NumberFormatException e) {
                        continue;   // not ours
                    }
                    read(entry, what).ifPresent(task -> registrations.put(index, task));
                }
            } catch (IOException e) {
                throw ioFailure(what, dir, e);
            }
        }
        return Joins.ordered(splitPathspec, cardinality, registrations);
    }

    @Override
    public void recordSwitch(String switchPathspec, String chosenStep) {
        Checks.pathspec("switch pathspec", switchPathspec);
        Checks.step(switchPathspec, chosenStep);
        String existing = createOnce(recordDir(switchPathspec).resolve(SWITCH), chosenStep,
                "switch " + switchPathspec);
        if (existing != null && !existing.equals(chosenStep)) {
            throw new CoordinatorException("switch " + switchPathspec + " already chose step '" + existing
                    + "', and this attempt chose '" + chosenStep + "'; a switch must choose the same case on every"
                    + " attempt: make its condition deterministic, or start a new run");
        }
    }

    @Override
    public Optional<String> switchChoice(String switchPathspec) {
        Checks.pathspec("switch pathspec", switchPathspec);
        return read(recordDir(switchPathspec).resolve(SWITCH), "switch " + switchPathspec);
    }

    @Override
    public void close() {
        // nothing held open: every operation opens and closes its own files
    }

    @Override
    public String toString() {
        return "LocalForeachCoordinator[" + root + "]";
    }

    /**
     * Publishes {@code content} at {@code target} unless something is there already.
     *
     * @return {@code null} when this call created the record, else the content already recorded
     */
    private String createOnce(Path target, String content, String what) {
        Path dir = target.getParent();
        try {
            Path tmp = writeTemp(dir, content);
            try {
                // link(2) fails if the target exists: an atomic create-if-absent with the content already complete
                Files.createLink(target, tmp);
                return null;
            } catch (FileAlreadyExistsException e) {
                return read(target, what).orElseThrow(() -> e);
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                // no hard links on this file system: a move without REPLACE_EXISTING refuses an existing target
                // (checked, then renamed: a narrow race that only such file systems have)
                try {
                    Files.move(tmp, target);
                    return null;
                } catch (FileAlreadyExistsException e) {
                    return read(target, what).orElseThrow(() -> e);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw ioFailure(what, dir, e);
        }
    }

    private static Path writeTemp(Path dir, String content) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        return tmp;
    }

    private Optional<String> read(Path file, String what) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ioFailure(what, file, e);
        }
    }

    private static int parseCardinality(String splitPathspec, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new CoordinatorException("the cardinality record of foreach split " + splitPathspec
                    + " is damaged ('" + text + "'); delete it and re-run the split step", e);
        }
    }

    private RuntimeException ioFailure(String what, Path path, IOException e) {
        if (e instanceof AccessDeniedException) {
            return new ConfigurationException("cannot write the " + what + ": access denied to " + path
                    + "; make the coordinator directory " + root + " writable by every task", e);
        }
        return new TransientFailureException("I/O failure on the " + what + " at " + path + ": " + e, e);
    }

    Path recordDir(String pathspec) {
        Path dir = root;
        for (String segment : pathspec.split("/", -1)) {
            dir = dir.resolve(encode(segment));
        }
        return dir;
    }

    /**
     * A file name for one pathspec segment: letters, digits, {@code -}, {@code _} and {@code .} stay, everything
     * else (and a leading {@code .}) becomes {@code %XX} of its UTF-8 bytes. So every pathspec maps to its own
     * directory, nothing escapes the root, and no segment can look like a record or a temporary file.
     */
    static String encode(String segment) {
        if (segment.isEmpty()) {
            return "%";   // an empty segment ("a//b") still needs its own directory; "%" alone is never an escape
        }
        StringBuilder out = new StringBuilder(segment.length());
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '_' || (b == '.' && i > 0);
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
