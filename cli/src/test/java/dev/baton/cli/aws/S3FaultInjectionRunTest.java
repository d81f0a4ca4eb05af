package dev.baton.cli.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.aws.AwsStack.Result;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.client.TaskHandle;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.FaultInjectingProxy.Fault;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's fault injection at run level: a whole {@code baton run} against S3 through a loopback relay that
 * answers every 7th request with {@code 503 SlowDown}, {@code 500 InternalError}, a dropped connection or a body
 * cut in the middle, in turn. The runs still succeed, and store exactly what the same flows store on the local
 * datastore (same content keys, same values).
 */
class S3FaultInjectionRunTest {
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
    void runsThroughAFaultyNetworkFinishWithTheSameArtifactsAsCleanRuns() {
        Path clean = dir.resolve("clean");
        String faulty = aws.root("faulty");
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(aws.s3Endpoint, 7, Fault.SLOW_DOWN, Fault.DROP,
                Fault.INTERNAL_ERROR, Fault.TRUNCATE)) {
            Map<String, String> cleanEnv = Map.of("BATON_DATASTORE_ROOT", clean.toString());
            Map<String, String> faultyEnv = Map.of("BATON_DATASTORE", "s3", "BATON_DATASTORE_ROOT", faulty,
                    "BATON_S3_ENDPOINT_URL", proxy.endpoint().toString());

            // the reference: the same flows on the local datastore
            String bulkClean = run(cleanEnv, AwsFlows.Bulk.class.getName(), "bulk-clean");
            String nestedClean = run(cleanEnv, AwsFlows.NestedForeach.class.getName(), "nested-clean");
            // a foreach over slices of 12 MiB (multipart upload, ranged reads), then a nested foreach of small values
            String bulkFaulty = run(faultyEnv, AwsFlows.Bulk.class.getName(), "bulk-faulty");
            String nestedFaulty = run(faultyEnv, AwsFlows.NestedForeach.class.getName(), "nested-faulty");

            long requests = proxy.requests();
            int injected = proxy.injected();
            assertTrue(injected >= requests / 7 - 1 && injected > 10,
                    "faults injected: " + injected + " of " + requests + " requests");
            assertTrue(proxy.injected(Fault.SLOW_DOWN) > 0, "503 SlowDown injected");
            assertTrue(proxy.injected(Fault.DROP) > 0, "connections dropped");
            assertTrue(proxy.injected(Fault.INTERNAL_ERROR) > 0, "500 injected");

            // read back over the direct endpoint: what is stored, not what a retrying reader makes of it
            try (Client cleanClient = AwsStack.client(DatastoreConfig.local(clean.toString()));
                    Client faultyClient = AwsStack.client(aws.s3Config(faulty))) {
                Run bulk = faultyClient.flow("Bulk").run(bulkFaulty);
                Artifacts.assertSameRun(cleanClient.flow("Bulk").run(bulkClean), bulk);
                TaskHandle end = bulk.endTask().orElseThrow();
                byte[] data = AwsFlows.Bulk.pattern(12 << 20);
                List<Long> sums = new ArrayList<>();
                int n = data.length / 3;
                for (int i = 0; i < 3; i++) {
                    long s = 0;
                    for (int k = i * n; k < (i + 1) * n; k++) {
                        s += data[k] & 0xff;
                    }
                    sums.add(s);
                }
                assertEquals(sums, end.artifact("sums"));
                assertEquals("slice-0,slice-1,slice-2", end.artifact("tags"));
                assertEquals(12 << 20, ((byte[]) end.artifact("data")).length);

                Run nested = faultyClient.flow("NestedForeach").run(nestedFaulty);
                Artifacts.assertSameRun(cleanClient.flow("NestedForeach").run(nestedClean), nested);
                assertEquals("red:3@0.0,red:6@0.1,green:9@1.0,green:12@1.1,green:15@1.2 total=45",
                        nested.endTask().orElseThrow().artifact("summary"));
            }
        }
    }

    private String run(Map<String, String> env, String flow, String name) {
        Path idFile = dir.resolve(name);
        Result r = AwsStack.baton(env, "--flow", flow, "run", "--max-workers", "4", "--run-id-file",
                idFile.toString());
        assertEquals(0, r.exitCode(), r::all);
        return AwsStack.runId(idFile);
    }
}
