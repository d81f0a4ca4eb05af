package dev.baton.cli.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.stepfunctions.CompiledFlow;
import dev.baton.stepfunctions.JobDefinitionSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Runs a compiled state machine with aws-local-stepfunctions (node, {@code stepfunctions/src/test/node}) whose Task
 * states call back into this JVM: a Batch task runs its job definition's real command ({@code sh -c SCRIPT baton},
 * with {@code baton} = {@code container/entrypoint.sh} on the PATH, launching {@code dev.baton.cli.Main} from this
 * JVM's class path, packed into jars for class-data sharing: {@link TaskJvmClassSharing}) with the environment a
 * Batch job gets (job definition + container override +
 * {@code AWS_BATCH_JOB_ID} + {@code AWS_BATCH_JOB_ATTEMPT}), retried per the submitted {@code RetryStrategy}; a
 * DynamoDB getItem reads the real coordinator table on DynamoDB Local; the S3 integrations (a Distributed Map's
 * ItemReader, which run-local.mjs turns into a Task, and the aws-sdk getObject/putObject of the run-failed path) do
 * the real calls on the S3 server, with AWS's error names ({@code S3.NoSuchKeyException}).
 */
final class LocalStepFunctions implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledFlow compiled;
    private final Map<String, String> platformEnv;
    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final TaskJvmClassSharing classSharing;
    private final Path bin;
    private final HttpServer server;
    /**
     * Task JVMs at a time across every machine run concurrently in this JVM: the machine has two cores, and a
     * third JVM starting while two run keeps them busy through each one's I/O waits.
     */
    private static final Semaphore SLOTS = new Semaphore(3);
    /** Every Batch attempt: state, exit code. */
    final ConcurrentLinkedQueue<String> attempts = new ConcurrentLinkedQueue<>();

    /**
     * @param classSharing the task JVMs' class path and CDS archive, shared by every machine of a test class
     */
    LocalStepFunctions(CompiledFlow compiled, Map<String, String> platformEnv, DynamoDbClient dynamoDb, S3Client s3,
            TaskJvmClassSharing classSharing, Path work) throws IOException {
        this.compiled = compiled;
        this.classSharing = classSharing;
        this.platformEnv = Map.copyOf(platformEnv);
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.bin = Files.createDirectories(work.resolve("bin"));
        Path entrypoint = repoRoot().resolve("container/entrypoint.sh").toAbsolutePath();
        Files.createSymbolicLink(bin.resolve("baton"), entrypoint);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/task", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-sfn-task");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        return Files.exists(p.resolve("container/entrypoint.sh")) ? p : p.getParent();
    }

    /** The outcome of a run-local.mjs execution. */
    record Outcome(String status, JsonNode json) {}

    Outcome run(Path definition, String executionName, String input) throws IOException, InterruptedException {
        Path nodeDir = repoRoot().resolve("stepfunctions/src/test/node");
        Process p = new ProcessBuilder("node", "run-local.mjs", definition.toString(), executionName, input,
                "http://127.0.0.1:" + server.getAddress().getPort() + "/task")
                .directory(nodeDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("run-local.mjs did not finish");
        }
        String last = out.lines().reduce((a, b) -> b).orElse("{}");
        JsonNode json = JSON.readTree(last);
        return new Outcome(json.path("status").asText("?"), json);
    }

    private void handle(HttpExchange ex) throws IOException {
        JsonNode req = JSON.readTree(ex.getRequestBody());
        int status = 200;
        JsonNode body;
        try {
            String resource = req.get("resource").asText();
            if (resource.contains(":batch:submitJob")) {
                body = submitJob(req.get("state").asText(), req.get("input"));
            } else if (resource.contains(":dynamodb:getItem")) {
                body = getItem(req.get("input"));
            } else if (resource.equals("arn:aws:states:::s3:getObject")) {
                body = readItems(req.get("input"));
            } else if (resource.equals("arn:aws:states:::aws-sdk:s3:getObject")) {
                body = sdkGetObject(req.get("input"));
            } else if (resource.equals("arn:aws:states:::aws-sdk:s3:putObject")) {
                body = sdkPutObject(req.get("input"));
            } else {
                throw new IllegalStateException("no local handler for " + resource);
            }
        } catch (TaskFailed e) {
            status = 400;
            body = JSON.createObjectNode().put("error", "States.TaskFailed").put("cause", e.getMessage());
        } catch (NoSuchKeyException e) {
            status = 400;
            body = JSON.createObjectNode().put("error", "S3.NoSuchKeyException").put("cause", e.getMessage());
        } catch (Exception e) {
            status = 500;
            body = JSON.createObjectNode().put("error", "States.TaskFailed").put("cause", String.valueOf(e));
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("content-type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** A Batch job that failed for good. */
    static final class TaskFailed extends Exception {
        TaskFailed(String message) {
            super(message);
        }
    }

    private JsonNode submitJob(String state, JsonNode in) throws Exception {
        String definition = in.get("JobDefinition").asText();
        JobDefinitionSpec jd = compiled.jobDefinitions().stream().filter(j -> j.name().equals(definition))
                .findFirst().orElseThrow(() -> new IllegalStateException("no job definition " + definition));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("HOME", System.getProperty("user.home"));
        env.put("BATON_LAUNCH_CLASSPATH", classSharing.classpath());
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.putAll(jd.environment());
        env.putAll(platformEnv);
        JsonNode overrides = in.has("NodeOverrides")
                ? in.get("NodeOverrides").get("NodePropertyOverrides").get(0).get("ContainerOverrides")
                : in.path("ContainerOverrides");
        for (JsonNode e : overrides.path("Environment")) {
            env.put(e.get("Name").asText(), e.get("Value").asText());
        }
        String jobId = UUID.randomUUID().toString();
        env.put("AWS_BATCH_JOB_ID", jobId);
        int nodes = in.path("NodeOverrides").path("NumNodes").asInt(0);
        int attemptsAllowed = in.path("RetryStrategy").path("Attempts").asInt(1);
        for (int attempt = 1; ; attempt++) {
            env.put("AWS_BATCH_JOB_ATTEMPT", String.valueOf(attempt));
            Path log = bin.getParent().resolve(state + "-" + jobId + "-" + attempt + ".log");
            int code = nodes > 0 ? runNodes(jd.command(), env, nodes, log, state)
                    : runContainer(jd.command(), env, log, true);
            attempts.add(state + ":" + code);
            if (code == 0) {
                return JSON.createObjectNode().put("JobId", jobId).put("JobName", in.get("JobName").asText())
                        .put("Status", "SUCCEEDED");
            }
            if (attempt >= attemptsAllowed || !"RETRY".equals(action(in.path("RetryStrategy"), code))) {
                String output = Files.readString(log);
                throw new TaskFailed("job " + jobId + " (" + state + ") failed: exit " + code + " on attempt " + attempt
                        + "; output: " + output.substring(Math.max(0, output.length() - 1500)));
            }
        }
    }

    /** Batch's evaluateOnExit: the first rule whose exit-code pattern matches (a trailing * is a prefix). */
    private static String action(JsonNode strategy, int code) {
        for (JsonNode rule : strategy.path("EvaluateOnExit")) {
            String pattern = rule.has("OnExitCode") ? rule.get("OnExitCode").asText()
                    : rule.has("OnReason") ? rule.get("OnReason").asText() : null;
            if (pattern == null || rule.has("OnStatusReason")) {
                continue;
            }
            boolean match = pattern.endsWith("*") ? String.valueOf(code).startsWith(pattern.substring(0,
                    pattern.length() - 1)) : pattern.equals(String.valueOf(code));
            if (match) {
                return rule.get("Action").asText();
            }
        }
        return "RETRY";
    }

    /**
     * A multi-node parallel job, as Batch runs one: every node at once, with the node variables and an id
     * {@code <job>#<node>}; the job's outcome is the main node's (node 0), and when it exits the others are
     * stopped. The nodes take no slot, since the main node waits for the others: a node waiting for a slot that
     * the main node holds would never run.
     *
     * @return the main node's exit code; each other node's is recorded in {@link #attempts} too
     */
    private int runNodes(List<String> command, Map<String, String> env, int nodes, Path mainLog, String state)
            throws Exception {
        List<Process> others = new ArrayList<>();
        List<CompletableFuture<Integer>> codes = new ArrayList<>();
        for (int i = 1; i < nodes; i++) {
            Map<String, String> nodeEnv = nodeEnvironment(env, i, nodes);
            Process p = start(command, nodeEnv, mainLog.resolveSibling(mainLog.getFileName() + ".node" + i));
            others.add(p);
            codes.add(p.onExit().thenApply(Process::exitValue));
        }
        int main = runContainer(command, nodeEnvironment(env, 0, nodes), mainLog, false);
        for (int i = 0; i < others.size(); i++) {
            // Batch stops the other nodes when the main node exits; a correct gang has none left by then
            if (others.get(i).isAlive()) {
                others.get(i).destroyForcibly();
            }
            attempts.add(state + "#" + (i + 1) + ":" + codes.get(i).get(30, TimeUnit.SECONDS));
        }
        return main;
    }

    private static Map<String, String> nodeEnvironment(Map<String, String> env, int node, int nodes) {
        Map<String, String> out = new HashMap<>(env);
        out.put("AWS_BATCH_JOB_ID", env.get("AWS_BATCH_JOB_ID") + "#" + node);
        out.put("AWS_BATCH_JOB_NODE_INDEX", String.valueOf(node));
        out.put("AWS_BATCH_JOB_MAIN_NODE_INDEX", "0");
        out.put("AWS_BATCH_JOB_NUM_NODES", String.valueOf(nodes));
        return out;
    }

    private Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("BATON_JAVA_OPTS", classSharing.sharedOnly());
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    private int runContainer(List<String> command, Map<String, String> env, Path log, boolean slot) throws Exception {
        if (slot) {
            SLOTS.acquire();
        }
        TaskJvmClassSharing.Launch cds = classSharing.next();
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.environment().put("BATON_JAVA_OPTS", cds.javaOptions());
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return 137;
            }
            return p.exitValue();
        } finally {
            if (cds.dumps()) {
                classSharing.dumped();
            }
            if (slot) {
                SLOTS.release();
            }
        }
    }

    /** A Distributed Map's ItemReader with InputType JSON: the array in the object. */
    private JsonNode readItems(JsonNode in) throws IOException {
        byte[] bytes = s3.getObjectAsBytes(r -> r.bucket(in.get("Bucket").asText()).key(in.get("Key").asText()))
                .asByteArray();
        JsonNode items = JSON.readTree(bytes);
        if (!items.isArray()) {
            throw new IllegalStateException("ItemReader object " + in.get("Key").asText() + " is not a JSON array");
        }
        return items;
    }

    /** The aws-sdk integration's GetObject: the body as a string, as Step Functions returns a text object. */
    private JsonNode sdkGetObject(JsonNode in) {
        var object = s3.getObjectAsBytes(r -> r.bucket(in.get("Bucket").asText()).key(in.get("Key").asText()));
        return JSON.createObjectNode().put("Body", object.asUtf8String())
                .put("ContentType", object.response().contentType());
    }

    private JsonNode sdkPutObject(JsonNode in) {
        var response = s3.putObject(r -> r.bucket(in.get("Bucket").asText()).key(in.get("Key").asText())
                .contentType(in.path("ContentType").asText(null)),
                RequestBody.fromString(in.get("Body").asText(), StandardCharsets.UTF_8));
        return JSON.createObjectNode().put("ETag", response.eTag());
    }

    private JsonNode getItem(JsonNode in) {
        String key = in.get("Key").get("pathspec").get("S").asText();
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(in.get("TableName").asText())
                .consistentRead(in.path("ConsistentRead").asBoolean(false))
                .key(Map.of("pathspec", AttributeValue.fromS(key)))).item();
        ObjectNode out = JSON.createObjectNode();
        if (item != null && !item.isEmpty()) {
            ObjectNode o = out.putObject("Item");
            item.forEach((k, v) -> o.set(k, toJson(v)));
        }
        return out;
    }

    /** DynamoDB's JSON form of an attribute value, as the getItem service integration returns it. */
    private static JsonNode toJson(AttributeValue v) {
        ObjectNode o = JSON.createObjectNode();
        if (v.s() != null) {
            o.put("S", v.s());
        } else if (v.n() != null) {
            o.put("N", v.n());
        } else if (v.bool() != null) {
            o.put("BOOL", v.bool());
        } else if (v.hasL()) {
            ArrayNode a = o.putArray("L");
            v.l().forEach(x -> a.add(toJson(x)));
        } else if (v.hasM()) {
            ObjectNode m = o.putObject("M");
            v.m().forEach((k, x) -> m.set(k, toJson(x)));
        } else {
            o.put("NULL", true);
        }
        return o;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
