package dev.baton.cli.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.Main;
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
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production case of {@code rerun}: a task failed in a run whose datastore is S3; it is run again on this
 * machine, against the same S3 datastore, with fixed code. Also {@code show} and the client API on S3. S3 is a
 * real S3Proxy on loopback; credentials reach the SDK's default chain through its system properties.
 */
class S3RerunAndInspectTest {
    private static S3ProxyServer s3;
    private static String bucket;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyServer.startInMemory();
        bucket = s3.createBucket();
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        System.setProperty("aws.region", S3ProxyServer.REGION);
    }

    @AfterAll
    static void stopS3() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.region");
        s3.close();
    }

    record Result(int exitCode, String out, String err) {}

    private Result baton(Path classes, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of(
                "BATON_FLOW", "com.acme.Fragile",
                "BATON_CLASSPATH", classes.toString(),
                "BATON_DATASTORE", "s3",
                "BATON_DATASTORE_ROOT", "s3://" + bucket + "/baton",
                "BATON_S3_ENDPOINT_URL", s3.endpoint().toString());
        int code = Main.execute(null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final String SOURCE = """
            package com.acme;
            import dev.baton.flow.*;
            public class Fragile extends FlowSpec {
                int base;
                int answer;
                @Step(next = "compute") public void start() { base = 40; }
                @Step(next = "end") public void compute() {
                    System.out.println("VERSION computing");
                    if (BUGGY) { throw new ArithmeticException("wrong answer"); }
                    answer = base + 2;
                }
                @Step public void end() { }
            }
            """;

    private Path build(String version, boolean buggy) throws Exception {
        Path src = tmp.resolve(version + "/src/com/acme/Fragile.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE.replace("VERSION", version).replace("BUGGY", String.valueOf(buggy)));
        Path classes = Files.createDirectories(tmp.resolve(version + "/classes"));
        Path api = Path.of(FlowSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", api.toString(), "-d",
                classes.toString(), src.toString()));
        return classes;
    }

    @Test
    void aTaskThatFailedOnS3IsRerunLocallyAgainstTheSameDatastore() throws Exception {
        Path v1 = build("v1", true);
        Path v2 = build("v2", false);
        Result failed = baton(v1, "run");
        assertEquals(1, failed.exitCode(), failed.err() + failed.out());

        DatastoreConfig config = new DatastoreConfig("s3", "s3://" + bucket + "/baton", s3.datastoreSettings());
        String runId;
        String taskId;
        try (Client client = Baton.client(config).namespace(null)) {
            assertEquals(List.of("Fragile"), client.flows());
            Run run = client.flow("Fragile").latestRun();
            runId = run.id();
            TaskHandle compute = run.step("compute").task();
            taskId = compute.id();
            assertEquals(TaskStatus.FAILED, compute.status());
            assertEquals("java.lang.ArithmeticException", compute.exception().orElseThrow().type());
        }

        Result rerun = baton(v2, "rerun", runId + "/compute/" + taskId);
        assertEquals(0, rerun.exitCode(), rerun.err() + rerun.out());
        assertTrue(rerun.out().contains("attempt 1 SUCCEEDED"), rerun.out());
        assertTrue(rerun.out().contains("s3://" + bucket + "/baton/Fragile/" + runId + "/compute/" + taskId + "/1.data.json"),
                rerun.out());

        assertEquals("v1 computing\n", baton(v2, "logs", runId + "/compute", "--attempt", "0").out());
        try (Client client = Baton.client(config).namespace(null)) {
            TaskHandle compute = client.flow("Fragile").run(runId).step("compute").task();
            assertEquals(TaskStatus.SUCCEEDED, compute.status());
            assertEquals(2, compute.attempts().size());
            assertEquals(42, compute.artifact("answer", Integer.class));
        }
    }
}
