package dev.baton.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny AWS Batch stand-in on loopback that really runs jobs: on SubmitJob it starts the job's command (the job
 * definition's image replaced by {@code container/entrypoint.sh}, exactly as the image's ENTRYPOINT would run it)
 * as a local process with the environment a Batch container gets: the definition's and the override's variables
 * plus {@code AWS_BATCH_JOB_ID}, {@code AWS_BATCH_JOB_ATTEMPT}, {@code AWS_BATCH_CE_NAME} and
 * {@code AWS_BATCH_JQ_NAME}. DescribeJobs reports RUNNABLE, RUNNING, then SUCCEEDED or FAILED with the exit code;
 * TerminateJob kills the process. It answers the REST-JSON protocol of the SDK ({@code POST /v1/<operation>}).
 */
final class LocalBatchStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Path entrypoint;
    private final Map<String, String> hostEnvironment;
    private final Path logs;
    private final Map<String, JsonNode> definitions = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** Every request, operation name and body, in order. */
    final List<Map.Entry<String, JsonNode>> requests = java.util.Collections.synchronizedList(new ArrayList<>());

    private static final class Job {
        final String id;
        final String name;
        final String queue;
        final String definition;
        final Process process;
        int describes;

        Job(String id, String name, String queue, String definition, Process process) {
            this.id = id;
            this.name = name;
            this.queue = queue;
            this.definition = definition;
            this.process = process;
        }
    }

    /**
     * @param entrypoint the container entrypoint script
     * @param hostEnvironment what every container gets besides the job's own variables (credentials a job role
     *     would give, the launch class path)
     * @param logs where the job processes' stdout and stderr go
     */
    LocalBatchStub(Path entrypoint, Map<String, String> hostEnvironment, Path logs) throws IOException {
        this.entrypoint = entrypoint;
        this.hostEnvironment = Map.copyOf(hostEnvironment);
        this.logs = logs;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The requests of one operation ({@code submitjob}, ...). */
    List<JsonNode> requests(String operation) {
        synchronized (requests) {
            return requests.stream().filter(e -> e.getKey().equals(operation)).map(Map.Entry::getValue).toList();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String op = ex.getRequestURI().getPath().substring("/v1/".length());
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        requests.add(Map.entry(op, body));
        ObjectNode out = JSON.createObjectNode();
        int status = 200;
        switch (op) {
            case "describejobdefinitions" -> {
                ArrayNode list = out.putArray("jobDefinitions");
                definitions.values().stream()
                        .filter(d -> d.get("jobDefinitionName").asText().equals(body.path("jobDefinitionName").asText()))
                        .forEach(list::add);
            }
            case "registerjobdefinition" -> {
                String name = body.get("jobDefinitionName").asText();
                int revision = (int) definitions.values().stream()
                        .filter(d -> d.get("jobDefinitionName").asText().equals(name)).count() + 1;
                String arn = "arn:aws:batch:us-east-1:123456789012:job-definition/" + name + ":" + revision;
                ObjectNode def = ((ObjectNode) body.deepCopy()).put("jobDefinitionArn", arn).put("revision", revision)
                        .put("status", "ACTIVE");
                definitions.put(arn, def);
                out.put("jobDefinitionName", name).put("jobDefinitionArn", arn).put("revision", revision);
            }
            case "submitjob" -> {
                JsonNode def = definitions.get(body.get("jobDefinition").asText());
                if (def == null) {
                    status = 400;
                    out.put("message", "job definition " + body.get("jobDefinition").asText() + " does not exist");
                    ex.getResponseHeaders().add("x-amzn-ErrorType", "ClientException");
                    break;
                }
                String id = "job-" + ids.incrementAndGet();
                List<String> cmd = new ArrayList<>(List.of("bash", entrypoint.toString()));
                body.path("containerOverrides").path("command").forEach(c -> cmd.add(c.asText()));
                ProcessBuilder pb = new ProcessBuilder(cmd);
                Map<String, String> env = pb.environment();
                env.keySet().removeIf(k -> k.startsWith("BATON_") || k.startsWith("AWS_"));
                env.putAll(hostEnvironment);
                def.path("containerProperties").path("environment")
                        .forEach(kv -> env.put(kv.get("name").asText(), kv.get("value").asText()));
                body.path("containerOverrides").path("environment")
                        .forEach(kv -> env.put(kv.get("name").asText(), kv.get("value").asText()));
                env.put("AWS_BATCH_JOB_ID", id);
                env.put("AWS_BATCH_JOB_ATTEMPT", "1");
                env.put("AWS_BATCH_CE_NAME", "local-ce");
                env.put("AWS_BATCH_JQ_NAME", body.get("jobQueue").asText());
                pb.redirectOutput(logs.resolve(id + ".out").toFile()).redirectError(logs.resolve(id + ".err").toFile());
                jobs.put(id, new Job(id, body.get("jobName").asText(), body.get("jobQueue").asText(),
                        body.get("jobDefinition").asText(), pb.start()));
                out.put("jobId", id).put("jobName", body.get("jobName").asText())
                        .put("jobArn", "arn:aws:batch:us-east-1:123456789012:job/" + id);
            }
            case "describejobs" -> {
                ArrayNode list = out.putArray("jobs");
                for (JsonNode idNode : body.path("jobs")) {
                    Job job = jobs.get(idNode.asText());
                    if (job != null) {
                        list.add(describe(job));
                    }
                }
            }
            case "terminatejob" -> {
                Job job = jobs.get(body.get("jobId").asText());
                if (job != null) {
                    job.process.destroy();
                }
            }
            default -> {
                status = 400;
                out.put("message", "operation " + op + " is not stubbed");
                ex.getResponseHeaders().add("x-amzn-ErrorType", "ClientException");
            }
        }
        byte[] bytes = JSON.writeValueAsBytes(out);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private ObjectNode describe(Job job) {
        ObjectNode n = JSON.createObjectNode().put("jobId", job.id).put("jobName", job.name).put("jobQueue", job.queue)
                .put("jobDefinition", job.definition);
        synchronized (job) {
            job.describes++;
            if (job.process.isAlive()) {
                n.put("status", job.describes == 1 ? "RUNNABLE" : "RUNNING");
            } else {
                int code = job.process.exitValue();
                n.put("status", code == 0 ? "SUCCEEDED" : "FAILED");
                if (code != 0) {
                    n.put("statusReason", "Essential container in task exited");
                }
                n.putObject("container").put("exitCode", code);
            }
        }
        return n;
    }

    /** Exit codes of the jobs that ended, by job id. */
    Map<String, Integer> exitCodes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        new HashMap<>(jobs).forEach((id, j) -> {
            if (!j.process.isAlive()) {
                out.put(id, j.process.exitValue());
            }
        });
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        jobs.values().forEach(j -> j.process.destroyForcibly());
    }
}
