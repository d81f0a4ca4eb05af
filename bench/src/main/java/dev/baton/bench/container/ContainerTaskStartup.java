package dev.baton.bench.container;

import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Container-mode task overhead, measured on this host without Docker (issue 10's start-up figure): each task is
 * {@code container/entrypoint.sh step ...} run with the environment of a Batch job, the fat jar, a code package
 * named by {@code BATON_CODE_PACKAGE}, and an S3 datastore (S3Proxy in this JVM on loopback).
 *
 * <p>Prints, as the median of N runs (and the best), for the JVM without and with the AppCDS archive the image
 * ships (built the same way, by {@code dev.baton.cli.internal.cds.CdsTraining}), and with the archive but without
 * the start-up overlap ({@code appcds-serial}: {@code BATON_STARTUP_WARMUP=false}, warm cache only): (a) process start to the user's step method running (the step prints {@code Instant.now()}; the clock
 * is the same on both sides); (b) the whole task, start to exit, for {@code start} (no inputs) and for a step
 * that loads a parent artifact and persists one, with the package already unpacked on the host (warm) and
 * downloaded, verified and unpacked first (cold); (c) the CPU seconds of the task process (bash {@code times}).
 *
 * <p>With {@code BATON_BENCH_JAVA} set to the java binary of a JDK 25 or later, the same tasks also run on that JVM
 * (the entrypoint's {@code JAVA}): {@code j25-default} (the JDK's own CDS archive), {@code j25-appcds} (a dynamic
 * AppCDS archive recorded with {@code -XX:ArchiveClassesAtExit} from a cold {@code end} task: the static dump of
 * merged class lists that {@code CdsTraining} does for JDK 17 is refused by JDK 25) and {@code j25-aot} (the AOT
 * cache {@code CdsTraining} trains on that JDK, as the image built with {@code JAVA_VERSION=25} ships).
 * {@code BATON_BENCH_VARIANTS} (comma-separated names) runs only those variants. {@code BATON_BENCH_JAVA_OPTS} is
 * given to the measured tasks as {@code BATON_JAVA_OPTS} (e.g. a profiler agent writing one file per process).
 * The tasks find zstd-jni's native library installed in their library path, as the image installs it
 * ({@code NativeLibraries}); {@code BATON_BENCH_NATIVE=jar} leaves it out, so that they copy it out of the jar.
 * {@code BATON_BENCH_SERVER_WARMUP} (default 4,000) is how many requests warm S3Proxy up before anything is measured
 * (see {@link #warmUpServer}). {@code BATON_BENCH_LATENCY_MS} delays every request of the tasks by that many milliseconds at a relay in front of
 * S3Proxy (default 0: no relay), to see what a task's sequence of requests costs when each is a round trip to a
 * remote S3.
 *
 * <p>Usage: {@code container/bench-startup.sh [RUNS]} (builds what it needs).
 * Arguments: {@code REPO_ROOT [RUNS]}.
 */
public final class ContainerTaskStartup {
    private static final String FLOW = """
            package bench;
            import dev.baton.flow.*;
            public class TrivialFlow extends FlowSpec {
                String greeting;
                int length;
                @Step(next = "end") public void start() {
                    System.out.println("STEP_RUNNING " + java.time.Instant.now());
                    greeting = "hello";
                }
                @Step public void end() {
                    System.out.println("STEP_RUNNING " + java.time.Instant.now());
                    length = greeting.length();
                }
            }
            """;

    private ContainerTaskStartup() {}

    record Sample(double startToStepMs, double wallMs, double cpuS) {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path entrypoint = root.resolve("container/entrypoint.sh");
        Path work = Files.createTempDirectory("baton-startup-");
        // a private copy: in a shared working tree a rebuild may replace cli/target/baton.jar mid-measurement
        Path jar = Files.copy(root.resolve("cli/target/baton.jar"), work.resolve("baton.jar"));
        int latencyMs = Integer.parseInt(System.getenv().getOrDefault("BATON_BENCH_LATENCY_MS", "0"));
        try (S3ProxyServer s3 = S3ProxyServer.startInMemory();
                FaultInjectingProxy relay = FaultInjectingProxy.passThrough(s3.endpoint())) {
            if (latencyMs > 0) {
                // a round trip to a remote S3 simulated on loopback: every request of a task waits this long at the
                // relay before it goes on (a simulation of network time, not synchronisation)
                relay.intercept(head -> {
                    try {
                        Thread.sleep(latencyMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return FaultInjectingProxy.Verdict.FORWARD;
                });
            }
            String bucket = s3.createBucket();
            int serverWarmup = Integer.parseInt(System.getenv().getOrDefault("BATON_BENCH_SERVER_WARMUP", "4000"));
            warmUpServer(s3, bucket, serverWarmup);
            Path classes = Files.createDirectories(work.resolve("classes"));
            Path src = work.resolve("src/bench/TrivialFlow.java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, FLOW);
            if (ToolProvider.getSystemJavaCompiler().run(null, null, null, "-nowarn", "-cp", jar.toString(), "-d",
                    classes.toString(), src.toString()) != 0) {
                throw new IllegalStateException("cannot compile the benchmark flow");
            }
            Map<String, String> env = new HashMap<>(s3.environment());
            if (latencyMs > 0) { // the tasks go through the relay; without a delay, straight to S3Proxy
                env.put("AWS_ENDPOINT_URL_S3", relay.endpoint().toString());
                env.put("BATON_S3_ENDPOINT_URL", relay.endpoint().toString());
            }
            env.put("BATON_FLOW", "bench.TrivialFlow");
            env.put("BATON_DATASTORE", "s3");
            env.put("BATON_DATASTORE_ROOT", "s3://" + bucket + "/baton");
            env.put("BATON_JAR", jar.toString());
            env.put("AWS_BATCH_CE_NAME", "bench-ce");
            env.put("AWS_BATCH_JQ_NAME", "bench-queue");
            env.put("AWS_BATCH_JOB_ATTEMPT", "1");
            // what the launcher (run --with batch, step-functions create) tells its jobs about an S3-compatible
            // endpoint, which its own store has probed: S3Proxy honours If-None-Match, so no task probes it again
            env.put("BATON_S3_CONDITIONAL_WRITES", "true");

            Map<String, String> packaging = new HashMap<>(env);
            packaging.put("BATON_CLASSPATH", classes.toString());
            String key = run(List.of("java", "-jar", jar.toString(), "--quiet", "package"), packaging, work).out.trim();
            env.put("BATON_CODE_PACKAGE", key);

            String only = System.getenv().getOrDefault("BATON_BENCH_VARIANTS", "");
            String taskJavaOpts = System.getenv().getOrDefault("BATON_BENCH_JAVA_OPTS", "");
            java.util.function.Predicate<String> wanted = name -> only.isBlank()
                    || List.of(only.split(",")).contains(name);
            // the AppCDS archive, built as the Dockerfile builds it: the jar's own training (CdsTraining), whose tasks
            // run against an S3 endpoint of its own
            Path jsa = work.resolve("baton.jsa");
            if (wanted.test("appcds") || wanted.test("appcds-serial")) {
                run(List.of("java", "-cp", jar.toString(), "dev.baton.cli.internal.cds.CdsTraining", jsa.toString()),
                        Map.of(), work);
            }
            // zstd-jni's library installed in the tasks' library path, as the Dockerfile installs it
            // (BATON_BENCH_NATIVE=jar: the tasks copy it out of the jar, as before; a jar without the installer too)
            if (!System.getenv().getOrDefault("BATON_BENCH_NATIVE", "installed").equals("jar")) {
                Path lib = work.resolve("native");
                try {
                    run(List.of("java", "-cp", jar.toString(), "dev.baton.cli.internal.cds.NativeLibraries",
                            lib.toString()), Map.of(), work);
                    taskJavaOpts = ("-Djava.library.path=" + lib + " " + taskJavaOpts).trim();
                } catch (IllegalStateException olderJar) {
                    System.out.println("(this jar cannot install zstd-jni's library: its tasks copy it, as before)");
                }
            }
            String java25 = System.getenv().getOrDefault("BATON_BENCH_JAVA", "");
            Path aot = work.resolve("baton.aot");
            Path jsa25 = work.resolve("baton-25.jsa");
            if (!java25.isBlank() && (wanted.test("j25-aot") || wanted.test("j25-aot-serial"))) {
                // as the Dockerfile builds it with JAVA_VERSION=25
                run(List.of(java25, "-cp", jar.toString(), "dev.baton.cli.internal.cds.CdsTraining", aot.toString()),
                        Map.of(), work);
            }
            if (!java25.isBlank() && wanted.test("j25-appcds")) {
                Map<String, String> e = new HashMap<>(env);
                e.put("JAVA", java25);
                e.put("BATON_CDS_ARCHIVE", work.resolve("none.jsa").toString());
                e.put("BATON_AOT_CACHE", work.resolve("none.aot").toString());
                e.put("BATON_CODE_PACKAGE_CACHE", work.resolve("cache-train-25").toString());
                task(entrypoint, e, work, List.of("step", "start", "--run-id", "t25", "--task-id", "job-ts"));
                e.put("BATON_CODE_PACKAGE_CACHE", work.resolve("cache-train-25-cold").toString());
                e.put("BATON_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + jsa25);
                task(entrypoint, e, work, List.of("step", "end", "--run-id", "t25", "--task-id", "job-te",
                        "--input-paths", "t25/start/job-ts"));
            }

            System.out.printf(Locale.ROOT, "container-mode task overhead, %d runs each (median / best), S3Proxy on"
                    + " loopback, %d cores%n", runs, Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%-14s %-5s %-6s %22s %22s %18s%n", "cds", "step", "cache",
                    "start->step ms", "task wall ms", "task cpu s");
            int n = 0;
            // "serial": BATON_STARTUP_WARMUP=false, the start-up work on the main thread only (no background opening
            // of the store, no warm-up thread): what the overlap saves on 2 idle cores
            record Variant(String name, Path archive, boolean cold, boolean overlap, String java, Path aotCache) {
                Variant(String name, Path archive, boolean cold, boolean overlap) {
                    this(name, archive, cold, overlap, "java", null);
                }
            }
            Path none = work.resolve("none.jsa");
            List<Variant> variants = new ArrayList<>(List.of(new Variant("default", none, false, true),
                    new Variant("default", none, true, true),
                    new Variant("appcds", jsa, false, true),
                    new Variant("appcds-serial", jsa, false, false),
                    new Variant("appcds", jsa, true, true)));
            if (!java25.isBlank()) {
                variants.addAll(List.of(new Variant("j25-default", none, false, true, java25, null),
                        new Variant("j25-appcds", jsa25, false, true, java25, null),
                        new Variant("j25-aot", none, false, true, java25, aot),
                        new Variant("j25-aot-serial", none, false, false, java25, aot),
                        new Variant("j25-aot", none, true, true, java25, aot)));
            }
            variants.removeIf(v -> !wanted.test(v.name()));
            for (Variant v : variants) {
                List<Sample> starts = new ArrayList<>();
                List<Sample> ends = new ArrayList<>();
                Path warmCache = work.resolve("cache-warm");
                for (int i = 0; i < runs + 1; i++) {
                    Map<String, String> e = new HashMap<>(env);
                    e.put("BATON_CDS_ARCHIVE", v.archive().toString());
                    e.put("JAVA", v.java());
                    e.put("BATON_AOT_CACHE", v.aotCache() == null ? work.resolve("none.aot").toString()
                            : v.aotCache().toString());
                    if (!v.overlap()) {
                        e.put("BATON_STARTUP_WARMUP", "false");
                    }
                    if (!taskJavaOpts.isBlank()) {
                        e.put("BATON_JAVA_OPTS", taskJavaOpts);
                    }
                    e.put("BATON_CODE_PACKAGE_CACHE", v.cold() ? work.resolve("cache-" + (n++)).toString()
                            : warmCache.toString());
                    String runId = "b" + (n++);
                    Sample s = task(entrypoint, e, work, List.of("step", "start", "--run-id", runId, "--task-id",
                            "job-s"));
                    Sample t = task(entrypoint, e, work, List.of("step", "end", "--run-id", runId, "--task-id",
                            "job-e", "--input-paths", runId + "/start/job-s"));
                    if (i > 0) { // the first run of a kind warms the page cache and (warm) the package cache
                        starts.add(s);
                        ends.add(t);
                    }
                }
                print(v.name(), "start", v.cold(), starts);
                print(v.name(), "end", v.cold(), ends);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Makes {@code requests} requests of the kinds a task makes (conditional PUT, GET, LIST, HEAD) to S3Proxy before
     * anything is measured. Why: S3Proxy runs in this JVM on the task's own 2 cores, and a cold S3Proxy spends tens of
     * ms of CPU per task compiling its own request path, taken from the task being measured; a real S3 is a warm
     * service somewhere else. {@code BATON_BENCH_SERVER_WARMUP=0} measures against the cold server instead.
     */
    private static void warmUpServer(S3ProxyServer s3, String bucket, int requests) {
        S3Client client = s3.client();
        byte[] body = new byte[256];
        for (int i = 0; i < requests / 4; i++) {
            String key = "warm-up/" + (i % 64);
            try {
                client.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"),
                        RequestBody.fromBytes(body));
            } catch (S3Exception exists) {
                // 412 once the key exists: the answer a task's write of a known blob gets too
            }
            client.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            client.listObjectsV2(b -> b.bucket(bucket).prefix("warm-up/").delimiter("/"));
            client.headObject(b -> b.bucket(bucket).key(key));
        }
    }

    private static void print(String cds, String step, boolean cold, List<Sample> samples) {
        System.out.printf(Locale.ROOT, "%-14s %-5s %-6s %22s %22s %18s%n", cds, step,
                cold ? "cold" : "warm",
                stat(samples.stream().mapToDouble(Sample::startToStepMs).toArray(), "%.0f"),
                stat(samples.stream().mapToDouble(Sample::wallMs).toArray(), "%.0f"),
                stat(samples.stream().mapToDouble(Sample::cpuS).toArray(), "%.2f"));
    }

    private static String stat(double[] v, String fmt) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return String.format(Locale.ROOT, fmt + " / " + fmt, median, s[0]);
    }

    /** One task through the entrypoint; bash's {@code times} reports the CPU of the task's process. */
    private static Sample task(Path entrypoint, Map<String, String> env, Path work, List<String> args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                "bash \"$0\" \"$@\"; rc=$?; times >&2; exit $rc", entrypoint.toString()));
        cmd.addAll(args);
        Map<String, String> e = new HashMap<>(env);
        e.put("AWS_BATCH_JOB_ID", args.get(args.indexOf("--task-id") + 1));
        Instant t0 = Instant.now();
        long n0 = System.nanoTime();
        Out o = run(cmd, e, work);
        double wall = (System.nanoTime() - n0) / 1e6;
        Instant stepAt = o.out.lines().filter(l -> l.startsWith("STEP_RUNNING ")).map(l -> Instant.parse(l.substring(13)))
                .findFirst().orElseThrow(() -> new IllegalStateException("the step did not run: " + o.err));
        List<String> times = o.err.lines().filter(l -> l.matches("\\d+m[\\d.]+s \\d+m[\\d.]+s")).toList();
        double cpu = seconds(times.get(times.size() - 1)); // the second line: children (the task's JVM)
        return new Sample(t0.until(stepAt, ChronoUnit.MICROS) / 1000.0, wall, cpu);
    }

    private static double seconds(String timesLine) {
        double total = 0;
        for (String part : timesLine.split(" ")) {
            String[] ms = part.replace("s", "").split("m");
            total += Integer.parseInt(ms[0]) * 60 + Double.parseDouble(ms[1]);
        }
        return total;
    }

    record Out(String out, String err) {}

    private static Out run(List<String> cmd, Map<String, String> env, Path work)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BATON_") || k.startsWith("AWS_"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        int code = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
        Out o = new Out(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + code + ":\n" + o.err + o.out);
        }
        return o;
    }
}
