package dev.baton.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.Main;
import dev.baton.client.Attempt;
import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.client.TaskHandle;
import dev.baton.client.TaskStatus;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.flow.FlowSpec;
import dev.baton.testsupport.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container path without a Docker engine: {@code container/entrypoint.sh} run directly with bash and the
 * environment an AWS Batch job has, against S3 (S3Proxy on loopback). The flow is compiled at test time into a
 * temporary directory plus a jar, so it is NOT on the class path the entrypoint launches baton with: it can only
 * come from the code package that {@code baton package} uploaded.
 */
class ContainerEntrypointTest {
    static final Path ENTRYPOINT = Path.of("").toAbsolutePath().getParent().resolve("container/entrypoint.sh");

    private static S3ProxyServer s3;
    private static String bucket;
    private static Path work;
    private static Path classes;
    private static Path libJar;
    private static String key;

    @TempDir
    Path tmp;

    private static final String FLOW = """
            package com.acme;
            import dev.baton.flow.*;
            public class Greeter extends FlowSpec {
                String greeting;
                int length;
                @Step(next = "end") public void start() {
                    greeting = com.acme.lib.Words.greet("batch");
                    System.out.println("start says " + greeting);
                }
                @Step public void end() { length = greeting.length(); }
            }
            """;

    private static final String LIB = """
            package com.acme.lib;
            public final class Words {
                public static String greet(String who) { return "hello " + who; }
            }
            """;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("baton-entrypoint-");
        s3 = S3ProxyServer.startInMemory();
        bucket = s3.createBucket();
        // the library goes in a jar, the flow in a classes directory: the two kinds of class path entry
        Path libClasses = compile("lib", "com/acme/lib/Words.java", LIB, null);
        libJar = work.resolve("words.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(libJar))) {
            jar.putNextEntry(new JarEntry("com/acme/lib/Words.class"));
            jar.write(Files.readAllBytes(libClasses.resolve("com/acme/lib/Words.class")));
            jar.closeEntry();
        }
        classes = compile("flow", "com/acme/Greeter.java", FLOW, libJar);
        Result packaged = baton(Map.of("BATON_CLASSPATH", classes + java.io.File.pathSeparator + libJar), "package");
        assertEquals(0, packaged.code(), packaged.err());
        key = packaged.out().trim();
        assertTrue(key.matches("[0-9a-f]{64}"), packaged.out());
        assertTrue(packaged.err().contains("uploaded to s3://" + bucket + "/baton/Greeter/data/" + key.substring(0, 2)
                + "/" + key), packaged.err());
    }

    @AfterAll
    static void tearDown() throws Exception {
        s3.close();
        try (var walk = Files.walk(work)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Path compile(String name, String file, String source, Path extra) throws Exception {
        Path src = work.resolve(name + "/src/" + file);
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path out = Files.createDirectories(work.resolve(name + "/classes"));
        String cp = Path.of(FlowSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()
                + (extra == null ? "" : java.io.File.pathSeparator + extra);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", cp, "-d", out.toString(),
                src.toString()));
        return out;
    }

    record Result(int code, String out, String err) {}

    private static Map<String, String> datastoreEnv() {
        Map<String, String> env = new HashMap<>(s3.environment());
        env.put("BATON_FLOW", "com.acme.Greeter");
        env.put("BATON_DATASTORE", "s3");
        env.put("BATON_DATASTORE_ROOT", "s3://" + bucket + "/baton");
        return env;
    }

    /** {@code baton} in this JVM (with the S3 settings as system properties for the SDK's default chains). */
    private static Result baton(Map<String, String> extra, String... args) {
        Map<String, String> env = datastoreEnv();
        env.putAll(extra);
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        System.setProperty("aws.region", S3ProxyServer.REGION);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The environment AWS Batch gives a job's container, plus the job definition's BATON_* settings. */
    private Map<String, String> batchJobEnv(String jobId, int attempt, Path cache) {
        Map<String, String> env = datastoreEnv();
        env.put("AWS_BATCH_JOB_ID", jobId);
        env.put("AWS_BATCH_JOB_ATTEMPT", Integer.toString(attempt));
        env.put("AWS_BATCH_CE_NAME", "baton-ce");
        env.put("AWS_BATCH_JQ_NAME", "baton-queue");
        env.put("BATON_CODE_PACKAGE", key);
        env.put("BATON_CODE_PACKAGE_CACHE", cache.toString());
        // the image runs the fat jar; here the same classes from this build (which do NOT include the flow)
        env.put("BATON_LAUNCH_CLASSPATH", System.getProperty("java.class.path"));
        return env;
    }

    private Result entrypoint(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", ENTRYPOINT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BATON_") || k.startsWith("AWS_"));
        pb.environment().putAll(env);
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = p.waitFor();
        return new Result(code, Files.readString(out), Files.readString(err));
    }

    @Test
    void batchJobsRunTheFlowFromTheCodePackageThroughTheEntrypoint() throws Exception {
        assertFalse(System.getProperty("java.class.path").contains(classes.toString()));
        Path cache = tmp.resolve("cache");
        Result start = entrypoint(batchJobEnv("job-start-1", 1, cache), "step", "start", "--run-id", "r1",
                "--task-id", "job-start-1");
        assertEquals(0, start.code(), start.err() + start.out());
        assertTrue(start.out().contains("start says hello batch"), start.out());
        assertTrue(Files.isRegularFile(cache.resolve(key).resolve("BATON-PACKAGE")));

        // the Step Functions form: a shell wrapper that calls `baton` by name (the entrypoint, on PATH in the
        // image), Batch's second attempt (AWS_BATCH_JOB_ATTEMPT=2 is Baton's attempt 1), a leading "baton" argument
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("baton"), ENTRYPOINT);
        Map<String, String> env = batchJobEnv("job-end-1", 2, cache);
        env.put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        env.put("BATON_INPUT_PATHS", "r1/start/job-start-1");
        Result end = entrypoint(env, "sh", "-c", "exec \"$0\" \"$@\" --input-paths \"$BATON_INPUT_PATHS\"",
                "baton", "baton", "step", "end", "--run-id", "r1", "--task-id", "job-end-1");
        assertEquals(0, end.code(), end.err() + end.out());

        DatastoreConfig config = new DatastoreConfig("s3", "s3://" + bucket + "/baton", s3.datastoreSettings());
        try (Client client = Baton.client(config).namespace(null)) {
            Run run = client.flow("Greeter").run("r1");
            TaskHandle startTask = run.step("start").task();
            assertEquals(TaskStatus.SUCCEEDED, startTask.status());
            Attempt first = startTask.attempts().get(0);
            assertEquals("job-start-1", first.environment().get("AWS_BATCH_JOB_ID"));
            assertEquals("baton-queue", first.environment().get("AWS_BATCH_JQ_NAME"));
            assertEquals(key, first.environment().get("BATON_CODE_PACKAGE"));
            assertEquals("start says hello batch\n", startTask.stdout());
            TaskHandle endTask = run.step("end").task();
            assertEquals(TaskStatus.SUCCEEDED, endTask.status());
            assertEquals(1, endTask.currentAttempt());
            assertEquals("hello batch".length(), endTask.artifact("length", Integer.class));
        }
    }

    @Test
    void aTamperedCodePackageStopsTheTaskWithAClearError() throws Exception {
        // another package's bytes under this key: what a bad actor or a damaged copy would leave
        Path other = compile("other", "com/acme/Other.java", "package com.acme; public class Other {}", null);
        Result otherPackage = baton(Map.of("BATON_FLOW", "com.acme.Other", "BATON_CLASSPATH", other.toString()),
                "package", "--no-check");
        assertEquals(0, otherPackage.code(), otherPackage.err());
        String otherKey = otherPackage.out().trim();
        byte[] wrong = s3.client().getObjectAsBytes(b -> b.bucket(bucket)
                .key("baton/Other/data/" + otherKey.substring(0, 2) + "/" + otherKey)).asByteArray();
        String victim = "baton/Greeter/data/" + key.substring(0, 2) + "/" + key;
        byte[] original = s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(victim)).asByteArray();
        s3.client().putObject(b -> b.bucket(bucket).key(victim),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(wrong));
        try {
            Result r = entrypoint(batchJobEnv("job-t", 1, tmp.resolve("fresh-cache")), "step", "start", "--run-id",
                    "r-tampered", "--task-id", "job-t");
            assertEquals(2, r.code(), r.err() + r.out());
            assertTrue(r.err().contains("code package " + key) && r.err().contains("failed verification"), r.err());
            assertTrue(r.err().contains("hashes to " + otherKey), r.err());
            assertFalse(Files.exists(tmp.resolve("fresh-cache").resolve(key)));
        } finally {
            s3.client().putObject(b -> b.bucket(bucket).key(victim),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(original));
        }
    }

    @Test
    void theEntrypointStartsTheJarWithContainerAwareJvmFlags() throws Exception {
        // a stand-in java that prints what it was started with: the flags are the entrypoint's contract
        Path fakeJava = tmp.resolve("java");
        Files.writeString(fakeJava, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        fakeJava.toFile().setExecutable(true);
        Path jar = Files.writeString(tmp.resolve("baton.jar"), "jar");
        Path jsa = Files.writeString(tmp.resolve("baton.jsa"), "jsa");
        Map<String, String> env = Map.of("JAVA", fakeJava.toString(), "BATON_JAR", jar.toString(),
                "BATON_CDS_ARCHIVE", jsa.toString(), "BATON_JAVA_OPTS", "-Dx=1 -Dy=2", "AWS_BATCH_JOB_ID", "j");
        Result r = entrypoint(env, "baton", "step", "start", "--run-id", "r 1");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC",
                "-XX:-UsePerfData", "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=50000",
                "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000", "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.001",
                "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.001", "-Xshare:auto",
                "-XX:SharedArchiveFile=" + jsa, "-Dx=1", "-Dy=2", "-jar",
                jar.toString(), "step", "start", "--run-id", "r 1"), r.out().lines().toList());

        Map<String, String> smaller = new HashMap<>(env);
        smaller.put("BATON_MAX_RAM_PERCENT", "50");
        smaller.put("BATON_CDS_ARCHIVE", tmp.resolve("absent.jsa").toString());
        List<String> args = entrypoint(smaller, "--version").out().lines().toList();
        assertTrue(args.contains("-XX:MaxRAMPercentage=50"), args.toString());
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), args.toString());
    }

    @Test
    void onJdk25TheEntrypointAllowsTheLibrariesUnsafeAndNativeAccessAndUsesTheAotCache() throws Exception {
        // a stand-in JDK: bin/java prints its arguments, `release` names the version as a real JDK's does
        Path jdk25 = fakeJdk("jdk25", "25.0.3");
        Path jar = Files.writeString(tmp.resolve("baton.jar"), "jar");
        Path jsa = Files.writeString(tmp.resolve("baton.jsa"), "jsa");
        Path aot = Files.writeString(tmp.resolve("baton.aot"), "aot");
        Map<String, String> env = new HashMap<>(Map.of("JAVA", jdk25.toString(), "BATON_JAR", jar.toString(),
                "BATON_CDS_ARCHIVE", jsa.toString(), "BATON_AOT_CACHE", aot.toString()));
        Result r = entrypoint(env, "step", "start");
        assertEquals(0, r.code(), r.err());
        // -Xshare:* is refused next to -XX:AOTCache; the JVM's notes about an unusable cache would go to stdout
        assertEquals(List.of("-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC",
                "-XX:-UsePerfData", "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=50000",
                "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000", "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.001",
                "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.001",
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-XX:AOTMode=auto", "-XX:AOTCache=" + aot, "-Xlog:aot=off", "-jar", jar.toString(), "step", "start"),
                r.out().lines().toList());

        env.put("BATON_AOT_CACHE", tmp.resolve("absent.aot").toString()); // an image built for JDK 17, run on 25
        List<String> args = entrypoint(env, "step", "start").out().lines().toList();
        assertTrue(args.containsAll(List.of("--sun-misc-unsafe-memory-access=allow", "-Xshare:auto",
                "-XX:SharedArchiveFile=" + jsa)), args.toString());
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:AOT")), args.toString());

        // JDK 17 does not take the AOT cache (nor know the JDK 24 option), even when one is there
        env.put("JAVA", fakeJdk("jdk17", "17.0.15").toString());
        env.put("BATON_AOT_CACHE", aot.toString());
        args = entrypoint(env, "step", "start").out().lines().toList();
        assertTrue(args.contains("-XX:SharedArchiveFile=" + jsa), args.toString());
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:AOT") || a.startsWith("--sun-misc")),
                args.toString());
    }

    private Path fakeJdk(String name, String version) throws Exception {
        Path home = Files.createDirectories(tmp.resolve(name + "/bin")).getParent();
        Path java = Files.writeString(home.resolve("bin/java"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        java.toFile().setExecutable(true);
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return java;
    }

    @Test
    void batchTasksRunOnJdk25WithNothingFromTheJvmOnStderr() throws Exception {
        // the JAVA_VERSION=25 image: codec (Kryo, zstd-jni), Jackson and the S3 client on JDK 25, and no JVM warning
        // (sun.misc.Unsafe, System.loadLibrary) in what the task prints, which is every task's stored log
        Path cache = tmp.resolve("cache-25");
        Map<String, String> env = batchJobEnv("job-start-25", 1, cache);
        env.put("JAVA", Jdk25.java().toString());
        Result start = entrypoint(env, "step", "start", "--run-id", "r25", "--task-id", "job-start-25");
        assertEquals(0, start.code(), start.err() + start.out());
        assertEquals("start says hello batch\n", start.out());
        assertEquals("", start.err());
        env = batchJobEnv("job-end-25", 1, cache);
        env.put("JAVA", Jdk25.java().toString());
        Result end = entrypoint(env, "step", "end", "--run-id", "r25", "--task-id", "job-end-25", "--input-paths",
                "r25/start/job-start-25");
        assertEquals(0, end.code(), end.err() + end.out());
        assertEquals("", end.err());

        // what the JDK 25 tasks wrote, read back on this JDK 17
        DatastoreConfig config = new DatastoreConfig("s3", "s3://" + bucket + "/baton", s3.datastoreSettings());
        try (Client client = Baton.client(config).namespace(null)) {
            Run run = client.flow("Greeter").run("r25");
            assertEquals("hello batch", run.step("start").task().artifact("greeting", String.class));
            TaskHandle endTask = run.step("end").task();
            assertEquals(TaskStatus.SUCCEEDED, endTask.status());
            assertEquals("hello batch".length(), endTask.artifact("length", Integer.class));
            assertEquals("", endTask.stderr());
        }
    }

    @Test
    void aMissingBucketStopsTheTaskWithAConfigurationErrorThoughTheStoreOpensInTheBackground() {
        // the S3 store opens on another thread while the flow loads (FlowSession): its errors still come out as is
        Result r = baton(Map.of("BATON_DATASTORE_ROOT", "s3://baton-no-such-bucket/baton",
                "BATON_CLASSPATH", classes + java.io.File.pathSeparator + libJar),
                "step", "start", "--run-id", "r-nb", "--task-id", "t1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bucket 'baton-no-such-bucket'") && r.err().contains("does not exist"), r.err());
    }

    @Test
    void aFlowErrorIsReportedBeforeADatastoreErrorAsBefore() {
        Result r = baton(Map.of("BATON_FLOW", "com.acme.Missing", "BATON_DATASTORE_ROOT",
                "s3://baton-no-such-bucket/baton"), "step", "start", "--run-id", "r-nf", "--task-id", "t1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("com.acme.Missing"), r.err());
        assertFalse(r.err().contains("baton-no-such-bucket"), r.err());
    }

    @Test
    void verboseLoggingStillAppliesWhileLoggingIsBoundOnTheWarmUpThread() throws Exception {
        // Main.main binds logging on a spare thread; -vv must still reach logback, not SLF4J's stand-in loggers
        Result r = entrypoint(batchJobEnv("job-v", 1, tmp.resolve("cache-v")), "-vv", "step", "start", "--run-id",
                "r-v", "--task-id", "job-v");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.err().lines().anyMatch(l -> l.contains(" DEBUG [")), r.err());
    }

    @Test
    void aStepThatNeverUsesTheForeachCoordinatorDoesNotOpenIt() throws Exception {
        // every Step Functions task runs with the DynamoDB coordinator; a linear step must not pay for (or fail on)
        // its client: an endpoint that no client can be built for shows whether one was
        Map<String, String> env = batchJobEnv("job-c", 1, tmp.resolve("cache-c"));
        env.put("BATON_FOREACH_COORDINATOR", "dynamodb");
        env.put("BATON_DYNAMODB_ENDPOINT_URL", "http://not a url");
        Result r = entrypoint(env, "step", "start", "--run-id", "r-c", "--task-id", "job-c");
        assertEquals(0, r.code(), r.err() + r.out());
    }

    @Test
    void aMissingJarIsAConfigurationError() throws Exception {
        Result r = entrypoint(Map.of("BATON_JAR", tmp.resolve("nope.jar").toString()), "step", "start");
        assertEquals(2, r.code());
        assertTrue(r.err().contains(tmp.resolve("nope.jar") + " not found"), r.err());
    }
}
