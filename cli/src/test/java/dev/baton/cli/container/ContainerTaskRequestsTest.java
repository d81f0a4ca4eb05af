package dev.baton.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.Main;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Step;
import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The S3 requests of container tasks ({@code baton step}), counted on a relay in front of a real S3-compatible
 * server: a task does not repeat its launcher's bucket check, and a step that reads an artifact and leaves it as it
 * was does not store it again.
 */
class ContainerTaskRequestsTest {

    /** A parent artifact that the second step reads and does not change. */
    public static class Relay extends FlowSpec {
        String word;
        int length;

        @Step(next = "end")
        public void start() {
            word = "relay";
        }

        @Step
        public void end() {
            length = word.length();
        }
    }

    private record Result(int code, String err) {}

    private static Result baton(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> requestLines(FaultInjectingProxy proxy, int from) {
        List<String> heads = proxy.requestHeads();
        return heads.subList(from, heads.size()).stream().map(h -> h.lines().findFirst().orElse("")).toList();
    }

    @Test
    void aTaskSkipsTheBucketCheckAndDoesNotStoreAnUnchangedArtifactAgain() {
        try (S3ProxyServer s3 = S3ProxyServer.startInMemory();
                FaultInjectingProxy proxy = FaultInjectingProxy.passThrough(s3.endpoint())) {
            String bucket = s3.createBucket();
            System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
            System.setProperty("aws.region", S3ProxyServer.REGION);
            Map<String, String> env = new HashMap<>();
            env.put("BATON_FLOW", Relay.class.getName());
            env.put("BATON_DATASTORE", "s3");
            env.put("BATON_DATASTORE_ROOT", "s3://" + bucket + "/baton");
            env.put("BATON_S3_ENDPOINT_URL", proxy.endpoint().toString());

            Result start = baton(env, "step", "start", "--run-id", "r1", "--task-id", "s");
            assertEquals(0, start.code(), start.err());
            List<String> startLines = requestLines(proxy, 0);
            List<String> blobPuts = startLines.stream()
                    .filter(l -> l.startsWith("PUT /" + bucket + "/baton/Relay/data/")).toList();
            assertEquals(1, blobPuts.size(), startLines::toString);

            int before = proxy.requestHeads().size();
            Result end = baton(env, "step", "end", "--run-id", "r1", "--task-id", "e", "--input-paths", "r1/start/s");
            assertEquals(0, end.code(), end.err());
            List<String> endLines = requestLines(proxy, before);
            assertTrue(endLines.stream().anyMatch(l -> l.startsWith("GET /" + bucket + "/baton/Relay/data/")),
                    () -> "the end step reads the word: " + endLines);
            assertFalse(endLines.contains(blobPuts.get(0)), () -> "the word it read is not stored again: " + endLines);
            assertEquals(1, endLines.stream().filter(l -> l.startsWith("PUT /" + bucket + "/baton/Relay/data/")).count(),
                    () -> "only the new length is stored: " + endLines);

            for (List<String> task : List.of(startLines, endLines)) {
                assertTrue(task.stream().noneMatch(l -> l.startsWith("HEAD /" + bucket + " ")),
                        () -> "no HeadBucket: the launcher checked the bucket: " + task);
            }
        }
    }
}
