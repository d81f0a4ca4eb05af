package dev.baton.cli.internal.cds;

import dev.baton.cli.internal.StartupWarmup;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.spi.ObjectStore;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds the AppCDS archive of the {@code baton} jar that the container image ships (container/Dockerfile) and the
 * start-up benchmark uses: a static archive of the classes that the image's tasks load, recorded from training
 * runs that go through the same code paths as real tasks.
 *
 * <p>Training runs, each a JVM with the task JVM's flags and {@code -XX:DumpLoadedClassList}: a local run of the
 * bundled {@code HelloFlow} (the runtime, the enhancer, the codec, the local datastore); {@code baton package}; and
 * the flow's three steps as container tasks ({@code baton step}) against an S3 endpoint on loopback
 * ({@link TrainingS3}), the first with a code package that is not cached yet (download, verification, unpacking),
 * the others with it cached and with inputs to load. So the archive holds the S3 client's whole request and
 * response pipeline, which a build without S3 could not record otherwise. That endpoint is plain {@code http}, whose
 * client skips the TLS set-up, so one more run ({@link TlsSetup}) records what a client for AWS's {@code https}
 * endpoint sets up. The class lists are merged and dumped
 * with {@code -Xshare:dump}; the archive is written to a temporary file and renamed into place, because a JVM that
 * maps a half-written archive crashes.
 *
 * <p>On JDK 25 and later the same workload can train an <em>AOT cache</em> instead (JEP 483/514: classes loaded
 * and linked ahead of time, lambda forms and proxies included, which a static archive from a class list lacks):
 * {@link #trainAotCache} records one container task, a step that downloads a code package not cached yet, loads its
 * input and persists its artifacts, with {@code -XX:AOTCacheOutput}; the JVM writes the cache when that task exits.
 * A cache holds what one training JVM did, so it is the most complete task that is recorded; the earlier runs only
 * put the package and the input in place.
 *
 * <p>Usage: {@code java -cp baton.jar dev.baton.cli.internal.cds.CdsTraining ARCHIVE [JVM_OPTION...]} with the
 * java binary and jar of the image; an {@code ARCHIVE} whose name ends in {@code .aot} is an AOT cache (JDK 25 or
 * later). The JVM options default to those of container/entrypoint.sh that must match at dump and run time
 * ({@code -XX:+UseSerialGC}, and for an AOT cache the entrypoint's JDK 24+ options too).
 * Exit codes: 0 written, 1 a training run failed (its output is printed), 2 usage (also: an AOT cache asked of a
 * JDK older than 25).
 */
public final class CdsTraining {
    /** The task JVM's options that the archive must be dumped with. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseSerialGC");
    /**
     * The options of container/entrypoint.sh for a JDK 24 or later, that an AOT cache is trained with: the
     * libraries' use of {@code sun.misc.Unsafe} (Kryo) and of {@code System.loadLibrary} (zstd-jni) would otherwise
     * print warnings into every task's stored log.
     */
    public static final List<String> AOT_JVM_OPTIONS = List.of("-XX:+UseSerialGC",
            "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");
    /** The first Java feature release with one-step AOT cache training ({@code -XX:AOTCacheOutput}, JEP 514). */
    public static final int AOT_MIN_FEATURE = 25;
    private static final String FLOW = "dev.baton.examples.HelloFlow";

    private CdsTraining() {}

    /** See the class description. */
    public static void main(String[] args) {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -cp baton.jar " + CdsTraining.class.getName() + " ARCHIVE [JVM_OPTION...]");
            System.exit(2);
        }
        boolean aot = args[0].endsWith(".aot");
        if (aot && Runtime.version().feature() < AOT_MIN_FEATURE) {
            System.err.println("baton: an AOT cache (" + args[0] + ") needs JDK " + AOT_MIN_FEATURE + " or later; this is "
                    + Runtime.version() + ": run the training with that JDK's java, or name a .jsa archive instead");
            System.exit(2);
        }
        List<String> options = args.length > 1 ? List.of(args).subList(1, args.length)
                : aot ? AOT_JVM_OPTIONS : DEFAULT_JVM_OPTIONS;
        String classPath = System.getProperty("java.class.path");
        try {
            if (aot) {
                long bytes = trainAotCache(Path.of(args[0]), options, classPath, System.err);
                System.err.println("baton: AOT cache " + args[0] + " written (" + bytes + " bytes)");
            } else {
                int classes = train(Path.of(args[0]), options, classPath, System.err).size();
                System.err.println("baton: AppCDS archive " + args[0] + " written (" + classes + " classes)");
            }
            System.exit(0);
        } catch (TrainingException e) {
            System.err.println("baton: " + (aot ? "AOT cache" : "AppCDS") + " training failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs the training and writes the archive.
     *
     * @param classPath the class path the tasks run with: the jar (run with {@code -jar}), or a class path
     * @return the merged class list that the archive was dumped from (class names, {@code @lambda-proxy} lines)
     * @throws TrainingException when a training run or the dump fails, with its output
     */
    public static SortedSet<String> train(Path archive, List<String> jvmOptions, String classPath, PrintStream log) {
        classPath = absolute(classPath); // the runs work in a directory of their own
        Path work = workDirectory("baton-cds-");
        try (TrainingS3 s3 = TrainingS3.start()) {
            Runner runner = new Runner(javaBinary(), jvmOptions, classPath, work, true);
            Map<String, String> local = Map.of("BATON_FLOW", FLOW);
            runner.run("run", local, "--quiet", "--datastore", "local", "--datastore-root",
                    work.resolve("local").toString(), "run", "--max-workers", "1");

            Map<String, String> env = packagedTaskEnvironment(runner, s3, work);
            runner.run("start", env, "step", "start", "--run-id", "1", "--task-id", "s");
            runner.run("hello", env, "step", "hello", "--run-id", "1", "--task-id", "h", "--input-paths", "1/start/s");
            runner.run("end", env, "step", "end", "--run-id", "1", "--task-id", "e", "--input-paths", "1/hello/h");
            // the training endpoint is plain http, whose client skips the TLS set-up that every task on AWS does
            runner.runClass("tls", env, TlsSetup.class.getName());

            TreeSet<String> classes = new TreeSet<>();
            for (Path list : runner.lists) {
                for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        classes.add(line);
                    }
                }
            }
            Path merged = work.resolve("classes.lst");
            Files.write(merged, classes, StandardCharsets.UTF_8);
            Path absolute = archive.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
            List<String> dump = new ArrayList<>(List.of(runner.java));
            dump.addAll(jvmOptions);
            dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + merged,
                    "-XX:SharedArchiveFile=" + temporary, "-cp", classPath));
            runner.exec("dump", dump, Map.of());
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.println("baton: AppCDS training: " + runner.lists.size() + " runs, " + s3.objectCount()
                    + " objects written to the training S3 endpoint");
            return classes;
        } catch (IOException e) {
            throw new TrainingException("I/O error: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingException("interrupted", e);
        } finally {
            delete(work);
        }
    }

    /** A new temporary directory for the training runs' files. */
    private static Path workDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Trains an AOT cache (JDK 25 or later, the JDK this runs on): the same container tasks as {@link #train}, of
     * which the {@code hello} step, with a code package that is not cached yet and an input to load, is recorded
     * with {@code -XX:AOTCacheOutput}. The cache is written to a temporary file and renamed into place.
     *
     * @param classPath the class path the tasks run with: the jar (run with {@code -jar}), or a class path of jars
     * @return the size of the cache in bytes
     * @throws TrainingException when a training run fails (with its output) or the JVM wrote no cache
     */
    public static long trainAotCache(Path cache, List<String> jvmOptions, String classPath, PrintStream log) {
        classPath = absolute(classPath);
        Path work = workDirectory("baton-aot-");
        try (TrainingS3 s3 = TrainingS3.start()) {
            Runner runner = new Runner(javaBinary(), jvmOptions, classPath, work, false);
            Map<String, String> env = packagedTaskEnvironment(runner, s3, work);
            runner.run("start", env, "step", "start", "--run-id", "1", "--task-id", "s");
            Path absolute = cache.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            // a fresh package cache: the recorded task downloads, verifies and unpacks the package as a cold task does
            env.put("BATON_CODE_PACKAGE_CACHE", work.resolve("code-cache-recorded").toString());
            runner.record = temporary;
            runner.run("hello", env, "step", "hello", "--run-id", "1", "--task-id", "h", "--input-paths", "1/start/s");
            if (!Files.isRegularFile(temporary)) {
                // the JVM reports why on standard output (unified logging), after the task's own output
                throw new TrainingException("the recorded training task exited without writing the AOT cache "
                        + temporary + ":\n" + Files.readString(work.resolve("hello.out"), StandardCharsets.UTF_8)
                        + Files.readString(work.resolve("hello.err"), StandardCharsets.UTF_8));
            }
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.println("baton: AOT cache training: " + s3.objectCount()
                    + " objects written to the training S3 endpoint");
            return Files.size(absolute);
        } catch (IOException e) {
            throw new TrainingException("I/O error: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingException("interrupted", e);
        } finally {
            delete(work);
        }
    }

    /** {@code baton package} of a small package to the training endpoint: a container task's environment with it. */
    private static Map<String, String> packagedTaskEnvironment(Runner runner, TrainingS3 s3, Path work)
            throws IOException, InterruptedException {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "BATON_FLOW", FLOW,
                "BATON_DATASTORE", "s3",
                "BATON_DATASTORE_ROOT", "s3://baton-training/baton",
                "BATON_S3_ENDPOINT_URL", s3.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", "training",
                "AWS_SECRET_ACCESS_KEY", "training",
                "AWS_REGION", "us-east-1",
                "BATON_CODE_PACKAGE_CACHE", work.resolve("code-cache").toString()));
        Path packaged = Files.createDirectories(work.resolve("package"));
        Files.writeString(packaged.resolve("training.txt"), "Baton start-up training package\n");
        String key = runner.run("package", env, "--quiet", "--classpath", packaged.toString(), "package").strip();
        env.put("BATON_CODE_PACKAGE", key);
        env.put("AWS_BATCH_JOB_ATTEMPT", "1");
        return env;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Runs the training JVMs: for a static archive each records its loaded classes in a list of its own; for an AOT
     * cache, the run made while {@link #record} is set writes the cache there.
     */
    private static final class Runner {
        final String java;
        final List<String> options;
        final String classPath;
        final Path work;
        final boolean classLists;
        final List<Path> lists = new ArrayList<>();
        Path record;

        Runner(String java, List<String> options, String classPath, Path work, boolean classLists) {
            this.java = java;
            this.options = options;
            this.classPath = classPath;
            this.work = work;
            this.classLists = classLists;
        }

        /** Runs {@code baton ARGS} and returns its standard output. */
        String run(String name, Map<String, String> env, String... args) throws IOException, InterruptedException {
            // as the entrypoint runs it: -jar for the image's fat jar, else the class path and main class
            List<String> launch = fatJar(classPath) ? List.of("-jar", classPath)
                    : List.of("-cp", classPath, "dev.baton.cli.Main");
            return launch(name, env, launch, args);
        }

        /** Runs the {@code main} of {@code mainClass} (on the same class path) and returns its standard output. */
        String runClass(String name, Map<String, String> env, String mainClass, String... args)
                throws IOException, InterruptedException {
            return launch(name, env, List.of("-cp", classPath, mainClass), args);
        }

        private String launch(String name, Map<String, String> env, List<String> launch, String... args)
                throws IOException, InterruptedException {
            Path list = work.resolve(name + ".lst");
            List<String> cmd = new ArrayList<>(List.of(java));
            cmd.addAll(options);
            if (classLists) {
                cmd.add("-XX:DumpLoadedClassList=" + list);
            }
            if (record != null) {
                cmd.add("-XX:AOTCacheOutput=" + record);
            }
            cmd.addAll(launch);
            cmd.addAll(List.of(args));
            String out = exec(name, cmd, env);
            if (classLists) {
                lists.add(list);
            }
            return out;
        }

        String exec(String name, List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
            // only the training's settings: a developer's or build machine's BATON_*/AWS_* must not leak in
            pb.environment().keySet().removeIf(k -> k.startsWith("BATON_") || k.startsWith("AWS_"));
            pb.environment().putAll(env);
            Path out = work.resolve(name + ".out");
            Path err = work.resolve(name + ".err");
            int code = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (code != 0) {
                throw new TrainingException("training run '" + name + "' (" + String.join(" ", cmd) + ") exited "
                        + code + ":\n" + stdout + Files.readString(err, StandardCharsets.UTF_8));
            }
            return stdout;
        }
    }

    /**
     * A training run of the TLS set-up that a task's S3 client does against AWS's {@code https} endpoint (the
     * training endpoint is plain {@code http}, whose client skips it): the warm-up thread's trust anchors and TLS
     * context, and an S3 store opened for an {@code https} endpoint without a request (as a task opens it). No TLS
     * connection is made, so the handshake's classes are not recorded.
     */
    public static final class TlsSetup {
        private TlsSetup() {}

        /** Runs the set-up; exits non-zero (with the error) when it fails. */
        public static void main(String[] args) throws Exception {
            StartupWarmup.warmUpTls();
            try (ObjectStore store = Datastores.openObjectStore(
                    new DatastoreConfig("s3", "s3://baton-training/baton",
                            Map.of("s3.endpoint", "https://127.0.0.1:9", "s3.checkBucket", "false")))) {
                System.out.println("TLS set-up of " + store.root());
            }
        }
    }

    /** Whether {@code classPath} is one jar whose main class is baton's (the fat jar), not a class path. */
    static boolean fatJar(String classPath) {
        if (!classPath.endsWith(".jar") || classPath.contains(File.pathSeparator)) {
            return false;
        }
        try (JarFile jar = new JarFile(classPath)) {
            Manifest manifest = jar.getManifest();
            return manifest != null
                    && "dev.baton.cli.Main".equals(manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS));
        } catch (IOException e) {
            return false;
        }
    }

    private static String absolute(String classPath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    /** A training run or the archive dump failed; the message carries its output. */
    public static final class TrainingException extends dev.baton.flow.BatonException {
        TrainingException(String message) {
            super(message);
        }

        TrainingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
