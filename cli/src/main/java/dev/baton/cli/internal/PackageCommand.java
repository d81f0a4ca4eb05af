package dev.baton.cli.internal;

import dev.baton.datastore.Datastores;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.executor.CodePackages;
import dev.baton.executor.ExitCodes;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.FlowGraph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton package}: builds the content-addressed code package of {@code --classpath} and uploads it to the
 * datastore once. Prints the key alone on standard output (for {@code BATON_CODE_PACKAGE=$(baton package ...)})
 * and what it did on standard error.
 */
@Command(name = "package", description = {"Builds the flow's code package from --classpath (directories and jars)"
        + " and uploads it to the datastore under its SHA-256 key, once.",
        "Prints the key: a container runs the flow with BATON_CODE_PACKAGE=<key> (or --code-package)."})
public final class PackageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--no-check", description = "Do not load the flow from the class path to check it first.")
    boolean noCheck;

    @Override
    public Integer call() {
        GlobalOptions global = GlobalOptions.of(spec);
        if (global.flowName() == null || global.flowName().isBlank()) {
            throw new ConfigurationException("baton package needs --flow CLASS (or BATON_FLOW): the package is"
                    + " stored with that flow's data");
        }
        if (global.classpath() == null || global.classpath().isBlank()) {
            throw new ConfigurationException("baton package needs --classpath CP: the flow's classes directory and"
                    + " the jars it uses (the baton jars are in the image already)");
        }
        if (global.codePackage() != null && !global.codePackage().isBlank()) {
            throw new ConfigurationException("baton package builds a package from --classpath: unset --code-package"
                    + " (BATON_CODE_PACKAGE)");
        }
        if (!noCheck) {
            // the flow must load from exactly these entries and have a valid graph, or every task would fail later
            FlowGraph.of(global.flowClass());
        }
        CodePackages.Uploaded up = upload(global, CodePackages.flowNameOf(global.flowName()));
        PrintWriter err = spec.commandLine().getErr();
        err.printf("code package %s (%d entries, %,d bytes) %s %s%n", up.key(), up.entries().size(), up.size(),
                up.uploaded() ? "uploaded to" : "already at", up.location());
        err.flush();
        PrintWriter out = spec.commandLine().getOut();
        out.println(up.key());
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The code package that containers running the flow elsewhere (AWS Batch, Step Functions) load it from:
     * {@code --code-package} as given; else, when the flow comes from {@code --classpath}, that class path built
     * into a package and uploaded to the datastore now (content-addressed: an unchanged class path uploads
     * nothing); else null, the image holds the flow (e.g. the bundled examples, or a flow on the launcher's own
     * class path).
     *
     * @param flowName the flow whose datastore holds the package
     * @param log told, in one line, what was uploaded
     */
    public static String resolveOrUpload(GlobalOptions global, String flowName, Consumer<String> log) {
        if (global.codePackage() != null && !global.codePackage().isBlank()) {
            return global.codePackage().trim();
        }
        if (global.classpath() == null || global.classpath().isBlank()) {
            return null;
        }
        CodePackages.Uploaded up = upload(global, flowName);
        log.accept("code package " + up.key() + (up.uploaded() ? " uploaded to " : " already at ") + up.location());
        return up.key();
    }

    /** Builds {@code --classpath} into a package and uploads it to {@code flowName}'s data, unless it is there. */
    private static CodePackages.Uploaded upload(GlobalOptions global, String flowName) {
        List<Path> entries = GlobalOptions.classpathPaths(global.classpath());
        try (ObjectStore store = Datastores.openObjectStore(global.datastoreConfig())) {
            return CodePackages.buildAndUpload(store, flowName, entries);
        }
    }
}
