package dev.baton.stepfunctions;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import java.nio.file.Path;

/** Fixed deployment settings for compiler tests, so that golden files are stable. */
final class TestSettings {
    static final String QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/baton";
    static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/baton:1";
    static final String ROOT = "s3://baton-bucket/flows";
    static final String TABLE = "baton-foreach-coordinator";

    private TestSettings() {}

    static DeploymentSettings of(FlowGraph graph) {
        return DeploymentSettings.of(graph.name(), graph.flowClass().getName(), QUEUE, IMAGE, ROOT, TABLE);
    }

    static CompiledFlow compile(Class<? extends FlowSpec> flow) {
        FlowGraph g = FlowGraph.of(flow);
        return StepFunctionsCompiler.compile(g, of(g));
    }

    static Path nodeDir() {
        return Path.of(System.getProperty("baton.node.dir", "src/test/node"));
    }

    static Path goldenDir() {
        return Path.of(System.getProperty("baton.golden.dir", "src/test/resources/golden"));
    }
}
