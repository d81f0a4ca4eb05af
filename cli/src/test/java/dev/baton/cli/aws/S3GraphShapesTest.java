package dev.baton.cli.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.aws.AwsStack.Result;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.client.TaskHandle;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.flow.FlowSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's "run the executor and local runtime end-to-end tests against the S3 datastore too": one flow per
 * graph shape run by the real {@code baton run} (thread isolation) with {@code --datastore s3} on S3Proxy. Each
 * run's final artifacts are asserted, and every task's artifacts (names, content keys, values) equal those of the
 * same flow run on the local datastore.
 */
class S3GraphShapesTest {
    private static AwsStack aws;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        aws = AwsStack.start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void linear() {
        check(AwsFlows.Linear.class, run -> {
            TaskHandle end = run.endTask().orElseThrow();
            assertEquals(20, end.artifact("x"));
            assertEquals("start>middle>end", end.artifact("trail"));
        });
    }

    @Test
    void branchAndJoin() {
        check(AwsFlows.Branch.class, run -> {
            TaskHandle end = run.endTask().orElseThrow();
            assertEquals(6 + 7 + 5, end.artifact("sum"));
            assertEquals(5, end.artifact("base"), "merged by the join: both branches agree");
        });
    }

    @Test
    void foreach() {
        check(AwsFlows.Foreach.class, run -> {
            assertEquals(List.of(100, 401, 902, 1603), run.endTask().orElseThrow().artifact("results"));
            assertEquals(4, run.step("second").tasks().size());
        });
    }

    @Test
    void nestedForeach() {
        check(AwsFlows.NestedForeach.class, run -> {
            assertEquals("red:3@0.0,red:6@0.1,green:9@1.0,green:12@1.1,green:15@1.2 total=45",
                    run.endTask().orElseThrow().artifact("summary"));
            assertEquals(5, run.step("inner").tasks().size());
        });
    }

    @Test
    void switchThenLoop() {
        for (String mode : List.of("fast", "slow")) {
            check(AwsFlows.SwitchLoop.class, run -> {
                TaskHandle end = run.endTask().orElseThrow();
                assertEquals("start>" + mode + ">end", end.artifact("route"));
                assertEquals(3, end.artifact("count"));
                assertEquals(List.of(1, 4, 9), end.artifact("visits"));
                assertEquals(3, run.step("loop").tasks().size());
                String other = mode.equals("fast") ? "slow" : "fast";
                assertTrue(run.steps().stream().noneMatch(s -> s.name().equals(other)), other + " never ran");
            }, "--mode", mode);
        }
    }

    @Test
    void gang() {
        check(AwsFlows.Gang.class, run -> {
            assertEquals(List.of(7, 17, 27), run.endTask().orElseThrow().artifact("members"));
            assertEquals(3, run.step("worker").tasks().size());
        });
    }

    /**
     * Runs {@code flow} on the local datastore and on S3 with the same parameters, checks the S3 run with
     * {@code assertions} and compares both runs task by task.
     */
    private void check(Class<? extends FlowSpec> flow, Consumer<Run> assertions, String... parameters) {
        String name = flow.getSimpleName();
        Path localRoot = dir.resolve("local");
        Path localId = dir.resolve(name + "-" + String.join("", parameters) + "-local");
        Result local = AwsStack.baton(Map.of(), args(flow, localId, "--datastore-root", localRoot.toString(),
                parameters));
        assertEquals(0, local.exitCode(), local::all);

        String root = aws.root("shapes");
        Path s3Id = dir.resolve(name + "-" + String.join("", parameters) + "-s3");
        Result s3 = AwsStack.baton(Map.of("BATON_DATASTORE", "s3", "BATON_DATASTORE_ROOT", root,
                "BATON_S3_ENDPOINT_URL", aws.s3Endpoint.toString()), args(flow, s3Id, null, null, parameters));
        assertEquals(0, s3.exitCode(), s3::all);

        DatastoreConfig s3Config = aws.s3Config(root);
        try (Client localClient = AwsStack.client(DatastoreConfig.local(localRoot.toString()));
                Client s3Client = AwsStack.client(s3Config)) {
            Run onS3 = s3Client.flow(name).run(AwsStack.runId(s3Id));
            assertions.accept(onS3);
            Artifacts.assertSameRun(localClient.flow(name).run(AwsStack.runId(localId)), onS3);
        }
    }

    private static String[] args(Class<? extends FlowSpec> flow, Path idFile, String option, String value,
            String... parameters) {
        List<String> args = new ArrayList<>(List.of("--flow", flow.getName()));
        if (option != null) {
            args.addAll(List.of(option, value));
        }
        args.addAll(List.of("run", "--run-id-file", idFile.toString()));
        args.addAll(List.of(parameters));
        return args.toArray(String[]::new);
    }
}
