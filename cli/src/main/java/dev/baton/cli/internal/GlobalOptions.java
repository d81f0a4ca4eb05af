package dev.baton.cli.internal;

import dev.baton.cli.Main;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.executor.CodePackages;
import dev.baton.executor.internal.enhance.FlowClassLoading;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * The options every {@code baton} command accepts, before or after the command name ({@code scope = INHERIT}:
 * picocli stores them here, in the root command's instance, wherever they appear). {@link #addTo(CommandSpec)}
 * defines them. Each has an environment variable default, listed in {@link #ENVIRONMENT}.
 *
 * <p>A command reaches them with {@link #of(CommandSpec)}:
 *
 * <pre>{@code
 * @Spec CommandSpec spec;
 * public Integer call() { Class<? extends FlowSpec> flow = GlobalOptions.of(spec).flowClass(); ... }
 * }</pre>
 */
public final class GlobalOptions {
    /** Option (longest name) to the environment variable that gives its default. */
    public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("--flow", "BATON_FLOW"),
            Map.entry("--classpath", "BATON_CLASSPATH"),
            Map.entry("--datastore", "BATON_DATASTORE"),
            Map.entry("--datastore-root", "BATON_DATASTORE_ROOT"),
            Map.entry("--s3-endpoint-url", "BATON_S3_ENDPOINT_URL"),
            Map.entry("--foreach-coordinator", "BATON_FOREACH_COORDINATOR"),
            Map.entry("--dynamodb-table", "BATON_DYNAMODB_TABLE"),
            Map.entry("--dynamodb-endpoint-url", "BATON_DYNAMODB_ENDPOINT_URL"),
            Map.entry("--code-package", "BATON_CODE_PACKAGE"),
            Map.entry("--code-package-cache", "BATON_CODE_PACKAGE_CACHE"),
            Map.entry("--batch-queue", "BATON_BATCH_QUEUE"),
            Map.entry("--batch-image", "BATON_BATCH_IMAGE"),
            Map.entry("--batch-job-role", "BATON_BATCH_JOB_ROLE"),
            Map.entry("--batch-endpoint-url", "BATON_BATCH_ENDPOINT_URL"));

    private static final Set<String> DATASTORES = Set.of("local", "s3");
    private static final Set<String> COORDINATORS = Set.of("local", "dynamodb");

    // the options' values, stored by picocli through the bindings that addTo gives it
    private String flow;
    private String classpath;
    private String datastore;
    private String datastoreRoot;
    private String s3EndpointUrl;
    private String foreachCoordinator;
    private String dynamodbTable;
    private String dynamodbEndpointUrl;
    private String codePackage;
    private Path codePackageCache;
    private boolean[] verbose = new boolean[0];
    private boolean quiet;

    /** Set when a flow's own main ({@code Baton.main(MyFlow.class, args)}) started the command line. */
    private Class<? extends FlowSpec> preselected;
    private Class<? extends FlowSpec> resolved;

    /** The global options of the command line that {@code spec} belongs to. */
    public static GlobalOptions of(CommandSpec spec) {
        Object root = spec.root().userObject();
        if (root instanceof Main main) {
            return main.globalOptions();
        }
        throw new IllegalStateException("command " + spec.qualifiedName() + " is not part of the baton command line");
    }

    /**
     * Adds the global options to {@code root}, the {@code baton} command, bound to this object: the one
     * definition of these options. Each has {@code scope = INHERIT}, so every command added to {@code root}
     * (before or after this call) accepts them too, and stores their values here.
     *
     * <p>Built in code rather than from {@code @Option} annotations: reading annotations is a large share of what
     * a short-lived {@code baton step} process spends on its command line (see {@link CommandModels}).
     */
    public void addTo(CommandSpec root) {
        root.addOption(global(CommandModels.option("--flow", String.class, () -> flow, v -> flow = v)
                .paramLabel("CLASS")
                .description("The flow class, e.g. dev.baton.examples.HelloFlow (env: BATON_FLOW).")));
        root.addOption(global(CommandModels.option("--classpath", String.class, () -> classpath, v -> classpath = v)
                .paramLabel("CP")
                .description("Where the flow's classes are: directories and jars separated by"
                        + " '${sys:path.separator}'; DIR/* takes every jar in DIR (env: BATON_CLASSPATH).")));
        root.addOption(global(CommandModels.option("--datastore", String.class, () -> datastore, v -> datastore = v)
                .paramLabel("local|s3").defaultValue("local")
                .description("Where artifacts and metadata live (env: BATON_DATASTORE; default: ${DEFAULT-VALUE}).")));
        root.addOption(global(CommandModels.option("--datastore-root", String.class, () -> datastoreRoot,
                v -> datastoreRoot = v)
                .paramLabel("ROOT").defaultValue(".baton")
                .description("A directory, or s3://bucket/prefix with --datastore s3 (env: BATON_DATASTORE_ROOT;"
                        + " default: ${DEFAULT-VALUE}).")));
        root.addOption(global(CommandModels.option("--s3-endpoint-url", String.class, () -> s3EndpointUrl,
                v -> s3EndpointUrl = v)
                .paramLabel("URL")
                .description("An S3-compatible endpoint instead of AWS S3 (env: BATON_S3_ENDPOINT_URL).")));
        root.addOption(global(CommandModels.option("--foreach-coordinator", String.class, () -> foreachCoordinator,
                v -> foreachCoordinator = v)
                .paramLabel("local|dynamodb").defaultValue("local")
                .description("Foreach and join bookkeeping (env: BATON_FOREACH_COORDINATOR;"
                        + " default: ${DEFAULT-VALUE}).")));
        root.addOption(global(CommandModels.option("--dynamodb-table", String.class, () -> dynamodbTable,
                v -> dynamodbTable = v)
                .paramLabel("TABLE")
                .description("The DynamoDB table of the dynamodb coordinator (env: BATON_DYNAMODB_TABLE).")));
        root.addOption(global(CommandModels.option("--dynamodb-endpoint-url", String.class, () -> dynamodbEndpointUrl,
                v -> dynamodbEndpointUrl = v)
                .paramLabel("URL")
                .description("A DynamoDB-compatible endpoint instead of AWS (env: BATON_DYNAMODB_ENDPOINT_URL).")));
        root.addOption(global(CommandModels.option("--code-package", String.class, () -> codePackage,
                v -> codePackage = v)
                .paramLabel("KEY")
                .description("Load the flow from this code package (the key 'baton package' printed), downloaded"
                        + " from the datastore and verified; how one generic container image runs any flow"
                        + " (env: BATON_CODE_PACKAGE).")));
        root.addOption(global(CommandModels.option("--code-package-cache", Path.class, () -> codePackageCache,
                v -> codePackageCache = v)
                .paramLabel("DIR")
                .description("Where code packages are unpacked, one directory per key (env:"
                        + " BATON_CODE_PACKAGE_CACHE; default: <tmp>/baton-code).")));
        root.addOption(global(CommandModels.option(new String[] {"-v", "--verbose"}, boolean[].class,
                () -> verbose, v -> verbose = v)
                .arity(CommandModels.noArguments()).paramLabel("<verbose>")
                .description("More log output on stderr: -v for INFO, -vv for DEBUG.")));
        root.addOption(global(CommandModels.option("--quiet", boolean.class, () -> quiet, v -> quiet = v)
                .arity(CommandModels.noArguments()).paramLabel("<quiet>")
                .description("Only errors on stderr.")));
    }

    private static OptionSpec global(OptionSpec.Builder option) {
        return option.scopeType(ScopeType.INHERIT).build();
    }

    /** Makes {@code flowClass} the flow of this command line (used by {@code Baton.main}). */
    public void preselect(Class<? extends FlowSpec> flowClass) {
        this.preselected = flowClass;
    }

    /** Whether a flow class was preselected by {@code Baton.main}. */
    public boolean hasPreselectedFlow() {
        return preselected != null;
    }

    /**
     * The flow class: the one whose {@code main} called {@code Baton.main}, else {@code --flow} loaded through
     * {@link #flowClassLoader()}. The only place where the command line turns a name into a flow class.
     *
     * @throws ConfigurationException when no flow is named, it cannot be found, or it is not a FlowSpec
     */
    public Class<? extends FlowSpec> flowClass() {
        return flowClass(null);
    }

    /**
     * As {@link #flowClass()}, fetching a code package that this host has not cached yet through {@code store}
     * (the datastore's object store, which the caller has open already and keeps open) instead of opening and
     * closing a store of its own: a task then builds one S3 client, not two.
     *
     * @param store the object store of {@link #datastoreConfig()}, or {@code null} to open one when needed
     */
    public synchronized Class<? extends FlowSpec> flowClass(Supplier<ObjectStore> store) {
        if (resolved != null) {
            return resolved;
        }
        if (preselected != null) {
            if (flow != null && !flow.equals(preselected.getName())) {
                throw new ConfigurationException("--flow " + flow + " conflicts with " + preselected.getName()
                        + ", whose main started this command: drop --flow");
            }
            // re-defined by the enhancing loader, so its artifact fields load lazily in tasks
            return resolved = FlowClassLoading.enhance(preselected);
        }
        if (flow == null || flow.isBlank()) {
            throw new ConfigurationException("no flow given: pass --flow CLASS (or set BATON_FLOW),"
                    + " e.g. --flow dev.baton.examples.HelloFlow");
        }
        // the enhancing loader (executor's internal.enhance) rewrites artifact field access so fields load lazily;
        // it reports a missing or non-flow class as a ConfigurationException naming --flow and --classpath
        List<Path> entries = new ArrayList<>(codePackageEntries(store));
        if (classpath != null && !classpath.isBlank()) {
            entries.addAll(classpathPaths(classpath));
        }
        return resolved = FlowClassLoading.load(flow.trim(), entries, GlobalOptions.class.getClassLoader());
    }

    /**
     * The class path entries of {@code --code-package}, fetched into the cache (downloaded and verified once per
     * host), or none. They go in front of {@code --classpath}.
     */
    private List<Path> codePackageEntries(Supplier<ObjectStore> shared) {
        if (codePackage == null || codePackage.isBlank()) {
            return List.of();
        }
        Path cache = codePackageCache != null ? codePackageCache : CodePackages.cacheDir(Map.of());
        var cached = CodePackages.cached(codePackage.trim(), cache);
        if (cached.isPresent()) {
            return cached.get(); // no S3 client for a package this host has unpacked and verified before
        }
        // the flow's datastore folder is named by the class's simple name: known before the class can load
        String flowName = CodePackages.flowNameOf(flow);
        if (shared != null) {
            return CodePackages.fetch(shared.get(), flowName, codePackage.trim(), cache);
        }
        try (ObjectStore store = Datastores.openObjectStore(datastoreConfig())) {
            return CodePackages.fetch(store, flowName, codePackage.trim(), cache);
        }
    }

    /** {@code --code-package}, possibly null. */
    public String codePackage() {
        return codePackage;
    }

    /** {@code --code-package-cache}, possibly null. */
    public Path codePackageCache() {
        return codePackageCache;
    }

    /**
     * The class loader for flow classes: the {@code --classpath} entries in front of baton's own class path.
     * This is the one seam where another loader (e.g. the executor's enhancing one) plugs in.
     */
    ClassLoader flowClassLoader() {
        ClassLoader parent = GlobalOptions.class.getClassLoader();
        if (classpath == null || classpath.isBlank()) {
            return parent;
        }
        return new URLClassLoader("baton-flow", classpathUrls(classpath).toArray(URL[]::new), parent);
    }

    /** The entries of a class path string as paths (see {@link #classpathUrls}), for loaders and code packages. */
    public static List<Path> classpathPaths(String classpath) {
        List<Path> paths = new ArrayList<>();
        for (URL url : classpathUrls(classpath)) {
            try {
                paths.add(Path.of(url.toURI()));
            } catch (java.net.URISyntaxException e) {
                throw new ConfigurationException("--classpath entry " + url + " is not a valid path", e);
            }
        }
        return paths;
    }

    /** The URLs of a class path string; {@code DIR/*} expands to the jars in DIR, as {@code java -cp} does. */
    public static List<URL> classpathUrls(String classpath) {
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                if (entry.endsWith("/*") || entry.endsWith(File.separator + "*")) {
                    Path dir = Path.of(entry.substring(0, entry.length() - 2));
                    if (!Files.isDirectory(dir)) {
                        throw new ConfigurationException("--classpath entry " + entry + ": " + dir
                                + " is not a directory");
                    }
                    List<Path> jars = new ArrayList<>();
                    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.{jar,JAR}")) {
                        stream.forEach(jars::add);
                    }
                    jars.sort(null);
                    for (Path jar : jars) {
                        urls.add(jar.toUri().toURL());
                    }
                } else {
                    Path path = Path.of(entry);
                    if (!Files.exists(path)) {
                        throw new ConfigurationException("--classpath entry " + entry + " does not exist");
                    }
                    urls.add(path.toAbsolutePath().toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new ConfigurationException("--classpath entry " + entry + " is not a valid path", e);
            } catch (IOException e) {
                throw new ConfigurationException("--classpath entry " + entry + " cannot be listed: " + e, e);
            }
        }
        return urls;
    }

    /** {@code --flow} as given (or from BATON_FLOW), possibly null. */
    public String flowName() {
        return flow;
    }

    /** {@code --classpath} as given, possibly null. */
    public String classpath() {
        return classpath;
    }

    /** {@code local} or {@code s3}. */
    public String datastore() {
        String kind = datastore.trim().toLowerCase(java.util.Locale.ROOT);
        if (!DATASTORES.contains(kind)) {
            throw new ConfigurationException("--datastore " + datastore + " is not one of local, s3");
        }
        return kind;
    }

    public String datastoreRoot() {
        return datastoreRoot;
    }

    /** {@code --s3-endpoint-url}, possibly null. */
    public String s3EndpointUrl() {
        return s3EndpointUrl;
    }

    /** The datastore to open, from {@code --datastore}, {@code --datastore-root} and {@code --s3-endpoint-url}. */
    public DatastoreConfig datastoreConfig() {
        String kind = datastore();
        if (kind.equals("s3") && !datastoreRoot.startsWith("s3://")) {
            throw new ConfigurationException("--datastore s3 needs --datastore-root s3://bucket/prefix, not "
                    + datastoreRoot);
        }
        if (kind.equals("local") && datastoreRoot.startsWith("s3://")) {
            throw new ConfigurationException("--datastore-root " + datastoreRoot + " is an S3 location:"
                    + " add --datastore s3");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        if (s3EndpointUrl != null && !s3EndpointUrl.isBlank()) {
            settings.put("s3.endpoint", s3EndpointUrl);
        }
        return new DatastoreConfig(kind, datastoreRoot, settings);
    }

    /** {@code local} or {@code dynamodb}. */
    public String foreachCoordinator() {
        String kind = foreachCoordinator.trim().toLowerCase(java.util.Locale.ROOT);
        if (!COORDINATORS.contains(kind)) {
            throw new ConfigurationException("--foreach-coordinator " + foreachCoordinator
                    + " is not one of local, dynamodb");
        }
        return kind;
    }

    /** {@code --dynamodb-table}, possibly null. */
    public String dynamodbTable() {
        return dynamodbTable;
    }

    /** {@code --dynamodb-endpoint-url}, possibly null. */
    public String dynamodbEndpointUrl() {
        return dynamodbEndpointUrl;
    }

    /** How many times {@code -v} was given. */
    public int verbosity() {
        return verbose.length;
    }

    public boolean quiet() {
        return quiet;
    }
}
