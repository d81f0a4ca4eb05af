package dev.baton.stepfunctions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a node script of {@code src/test/node} (its node_modules installed by the build's npm ci). */
public final class Node {
    /** Exit code and standard output (stderr is inherited into the test's output file). */
    public record Result(int exitCode, String stdout) {}

    private Node() {}

    public static Path dir() {
        return Path.of(System.getProperty("baton.node.dir", "src/test/node")).toAbsolutePath();
    }

    public static Result run(String script, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("node " + script + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}
