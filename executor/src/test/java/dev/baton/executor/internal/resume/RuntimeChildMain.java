package dev.baton.executor.internal.resume;

import dev.baton.executor.internal.resume.flows.ResumeFlows;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@link ResumeFlows.Blocking} in a process of its own, so a test can kill the whole runtime with SIGKILL. */
public final class RuntimeChildMain {
    private RuntimeChildMain() {}

    public static void main(String[] args) {
        try (Fixture fx = new Fixture(Path.of(args[0]), ResumeFlows.Blocking.class)) {
            new dev.baton.executor.LocalRuntime(fx.binding).run(dev.baton.executor.RunOptions.defaults()
                    .withMaxWorkers(4).withParameters(Map.of("markers", args[1])));
        }
    }
}
