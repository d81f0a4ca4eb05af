package dev.baton.stepfunctions.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.ParameterSpec;
import dev.baton.flow.graph.StepDecorators;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import dev.baton.stepfunctions.CompiledFlow;
import dev.baton.stepfunctions.DeploymentSettings;
import dev.baton.stepfunctions.JobDefinitionSpec;
import dev.baton.stepfunctions.StepFunctionsCompiler;
import dev.baton.stepfunctions.asl.Next;
import dev.baton.stepfunctions.asl.ResultPath;
import dev.baton.stepfunctions.asl.Retrier;
import dev.baton.stepfunctions.asl.State;
import dev.baton.stepfunctions.asl.StateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * FlowGraph to state machine. One instance per compilation.
 *
 * <p>The state data is small and fixed in shape: {@code $.parameters} (run parameters, strings by field name),
 * {@code $.last} ({@code {step, taskId}} of the task that ran last in this scope: the parent of the next task),
 * {@code $.splitIndex} inside a Map iteration, {@code $.branches} after a Parallel (one {@code last} per branch) and
 * {@code $.switch} after reading a switch's choice. Map results are discarded (the join reads its inputs from the
 * foreach coordinator), so no payload grows with the fan-out.
 *
 * <p>Auxiliary states are named {@code <step>.<role>}; a dot never occurs in a step (Java method) name, so they
 * cannot clash with steps.
 */
public final class Compiler {
    static final String BATCH_SUBMIT = "arn:aws:states:::batch:submitJob.sync";
    static final String DYNAMODB_GET = "arn:aws:states:::dynamodb:getItem";
    /** Extra Batch attempts for transient failures (exit 3, lost hosts) beyond the step's {@code @Retry}. */
    static final int TRANSIENT_ATTEMPTS = 2;
    /** Batch's maximum attempts. */
    static final int MAX_BATCH_ATTEMPTS = 10;
    /** Longest Batch job id (a UUID) and execution name, for the override size bound. */
    private static final int TASK_ID_BYTES = 36;
    private static final int RUN_ID_BYTES = 80;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final FlowGraph graph;
    private final DeploymentSettings settings;
    private final Map<String, String> registered;
    private final Map<String, JobDefinitionSpec> jobDefinitions = new LinkedHashMap<>();
    private final Map<String, String> stepJobDefinitions = new TreeMap<>();

    public Compiler(FlowGraph graph, DeploymentSettings settings, Map<String, String> registered) {
        this.graph = graph;
        this.settings = settings;
        this.registered = Map.copyOf(registered);
    }

    public CompiledFlow compile() {
        List<String> problems = new ArrayList<>();
        for (StepNode node : graph.steps().values()) {
            if (node.transition() instanceof Transition.Parallel p) {
                problems.add("step '" + node.name() + "' has numParallel = " + p.numParallel()
                        + ": gangs (Batch multi-node parallel jobs) cannot be deployed to Step Functions yet; run"
                        + " the flow locally with 'baton run'");
            }
            if (node.name().length() > 70) {
                problems.add("step '" + node.name() + "' has a name over 70 characters; Step Functions state names"
                        + " are limited to 80: shorten it");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("flow " + graph.name() + " cannot be deployed to Step Functions:\n  "
                    + String.join("\n  ", problems));
        }
        jobDefinitions.put(settings.stateMachineName(), defaultJobDefinition());
        Map<String, State> states = new LinkedHashMap<>();
        String startAt = "start";
        if (!graph.parameters().isEmpty()) {
            startAt = addParameterStates(states);
        }
        new Scope(states, null).emit("start");
        StateMachine machine = new StateMachine("Baton flow " + graph.name() + " (" + settings.flowClass()
                + "), compiled by baton step-functions create", startAt, states, settings.workflowTimeoutSeconds());
        CompiledFlow compiled = new CompiledFlow(machine, List.copyOf(jobDefinitions.values()), stepJobDefinitions);
        int bytes = compiled.definitionBytes();
        if (bytes > StepFunctionsCompiler.MAX_DEFINITION_BYTES) {
            throw new ConfigurationException("the state machine of flow " + graph.name() + " is " + bytes
                    + " bytes, over Step Functions' limit of " + StepFunctionsCompiler.MAX_DEFINITION_BYTES);
        }
        return compiled;
    }

    /**
     * Makes {@code $.parameters} hold every parameter (empty string = not given, the flow's default applies), so
     * that start's environment can name each one: an execution started with {@code {}} works too.
     */
    private String addParameterStates(Map<String, State> states) {
        ObjectNode defaults = F.objectNode();
        for (ParameterSpec p : graph.parameters()) {
            defaults.put(p.field(), "");
        }
        states.put("parameters.check", new State.Choice(
                "does the execution input have a parameters object?",
                List.of(new State.ChoiceRule("$.parameters", "IsPresent", BooleanNode.TRUE, "parameters.defaults")),
                Optional.of("parameters.none")));
        states.put("parameters.none", new State.Pass("no parameters given: the flow's defaults apply",
                Optional.of(F.objectNode()), Optional.of(ResultPath.to("$.parameters")), Next.to("parameters.defaults")));
        states.put("parameters.defaults", new State.Pass("every parameter; empty means the flow's default",
                Optional.of(defaults), Optional.of(ResultPath.to("$.defaults")), Next.to("parameters.merge")));
        ObjectNode merge = F.objectNode();
        merge.put("parameters.$", "States.JsonMerge($.defaults, $.parameters, false)");
        states.put("parameters.merge", new State.Pass(null, Optional.of(merge), Optional.empty(), Next.to("start")));
        return "parameters.check";
    }

    /** One set of states: the machine's top level, a Parallel branch or a Map iteration. */
    private final class Scope {
        final Map<String, State> states;
        /** The join that ends this scope (the state that would come next is outside it), or null at top level. */
        final String stop;
        String endPass;

        Scope(Map<String, State> states, String stop) {
            this.states = states;
            this.stop = stop;
        }

        /** Next for a transition to {@code step}: End when it leaves the scope, else that step (emitted). */
        Next to(String step) {
            if (step.equals(stop)) {
                return Next.end();
            }
            emit(step);
            return Next.to(step);
        }

        /** A state name for a Choice to go to {@code step}: Choice has no End, so leaving goes via a Pass. */
        String choiceTarget(String step) {
            if (!step.equals(stop)) {
                emit(step);
                return step;
            }
            if (endPass == null) {
                endPass = stop + ".from." + states.keySet().iterator().next();
                states.put(endPass, new State.Pass("leaves the branch for the join " + stop, Optional.empty(),
                        Optional.empty(), Next.end()));
            }
            return endPass;
        }

        void emit(String stepName) {
            if (states.containsKey(stepName)) {
                return; // a loop back, or a second way in
            }
            StepNode node = graph.step(stepName);
            // reserve the name first so that loops through this step terminate
            states.put(stepName, new State.Succeed("placeholder"));
            Transition t = node.transition();
            Next after;
            if (t instanceof Transition.Linear l) {
                after = to(l.next());
            } else if (t instanceof Transition.End) {
                after = Next.end();
            } else if (t instanceof Transition.Branch b) {
                after = Next.to(stepName + ".branch");
                emitBranch(node, b);
            } else if (t instanceof Transition.Foreach f) {
                after = Next.to(stepName + ".split");
                emitForeach(node, f);
            } else if (t instanceof Transition.Switch s) {
                after = Next.to(stepName + ".switch");
                emitSwitch(node, s);
            } else {
                throw new IllegalStateException("unexpected transition " + t);
            }
            states.put(stepName, task(node, after));
        }

        private void emitBranch(StepNode node, Transition.Branch b) {
            String join = node.matchingJoin().orElseThrow();
            List<State.Scope> branches = new ArrayList<>();
            ObjectNode selector = F.objectNode();
            for (int i = 0; i < b.next().size(); i++) {
                Map<String, State> inner = new LinkedHashMap<>();
                new Scope(inner, join).emit(b.next().get(i));
                branches.add(new State.Scope(b.next().get(i), inner));
                selector.put("b" + i + ".$", "$[" + i + "].last");
            }
            // reserve the name (emission order: split, its Parallel, the join), then emit the join
            states.put(node.name() + ".branch", new State.Succeed("placeholder"));
            states.put(node.name() + ".branch", new State.Parallel("the branches of " + node.name(), branches,
                    Optional.of(selector), Optional.of(ResultPath.to("$.branches")), to(join)));
        }

        private void emitForeach(StepNode node, Transition.Foreach f) {
            String join = node.matchingJoin().orElseThrow();
            ObjectNode selector = F.objectNode();
            selector.put("indices.$", "$.Item.items.L");
            states.put(node.name() + ".split", getItem("the items of the foreach split " + node.name()
                    + " (recorded by the split task in the foreach coordinator)", selector, "$.split",
                    Next.to(node.name() + ".foreach")));
            Map<String, State> inner = new LinkedHashMap<>();
            new Scope(inner, join).emit(f.next());
            ObjectNode items = F.objectNode();
            items.put("splitIndex.$", "$$.Map.Item.Value.N");
            items.put("last.$", "$.last");
            Optional<ObjectNode> writer = Optional.empty();
            if (settings.distributedMap()) {
                ObjectNode w = F.objectNode();
                w.put("Resource", "arn:aws:states:::s3:putObject");
                ObjectNode params = w.putObject("Parameters");
                String root = settings.datastoreRoot().substring("s3://".length());
                int slash = root.indexOf('/');
                params.put("Bucket", slash < 0 ? root : root.substring(0, slash));
                String prefix = slash < 0 ? "" : root.substring(slash + 1).replaceAll("/+$", "") + "/";
                params.put("Prefix", prefix + graph.name() + "/_sfn_map_results/" + node.name());
                writer = Optional.of(w);
            }
            // discarded result: the join asks the coordinator for its inputs, so nothing grows with the fan-out
            states.put(node.name() + ".foreach", new State.Succeed("placeholder"));
            states.put(node.name() + ".foreach", new State.MapState("one " + f.next() + " task per element of "
                    + f.field(), "$.split.indices", items, new State.Scope(f.next(), inner), settings.distributedMap(),
                    settings.maxWorkers(), writer, Optional.of(ResultPath.discard()), to(join)));
        }

        private void emitSwitch(StepNode node, Transition.Switch s) {
            ObjectNode selector = F.objectNode();
            selector.put("chosen.$", "$.Item.chosen.S");
            states.put(node.name() + ".switch", getItem("the step the switch " + node.name() + " chose",
                    selector, "$.switch", Next.to(node.name() + ".route")));
            states.put(node.name() + ".route", new State.Succeed("placeholder"));
            List<State.ChoiceRule> rules = new ArrayList<>();
            for (String target : s.targets()) {
                rules.add(new State.ChoiceRule("$.switch.chosen", "StringEquals", TextNode.valueOf(target),
                        choiceTarget(target)));
            }
            String unknown = node.name() + ".unknown";
            states.put(node.name() + ".route", new State.Choice("route on " + s.field(), rules, Optional.of(unknown)));
            states.put(unknown, new State.Fail(null, "Baton.UnknownSwitchCase", "the switch " + node.name()
                    + " chose a step that is not one of its cases " + s.targets()));
        }
    }

    private State.Task getItem(String comment, ObjectNode selector, String resultPath, Next next) {
        ObjectNode params = F.objectNode();
        params.put("TableName", settings.coordinatorTable());
        params.put("ConsistentRead", true);
        ObjectNode key = params.putObject("Key").putObject("pathspec");
        key.put("S.$", "States.Format('" + graph.name() + "/{}/{}/{}', $$.Execution.Name, $.last.step, $.last.taskId)");
        Retrier retry = new Retrier(List.of("DynamoDB.ProvisionedThroughputExceededException",
                "DynamoDB.RequestLimitExceeded", "DynamoDB.InternalServerErrorException",
                "DynamoDB.AmazonDynamoDBException"), 1, 8, 2.0, Optional.of(30), Optional.of("FULL"));
        return new State.Task(comment, DYNAMODB_GET, params, Optional.of(selector),
                Optional.of(ResultPath.to(resultPath)), List.of(retry), Optional.empty(), next);
    }

    /** The Batch task of one step. */
    private State.Task task(StepNode node, Next next) {
        StepDecorators d = node.decorators();
        String jobDefinition = jobDefinitionFor(node);
        ObjectNode p = F.objectNode();
        p.put("JobName", jobName(node.name()));
        p.put("JobQueue", d.batch().map(StepDecorators.BatchSpec::queue).filter(q -> !q.isBlank())
                .orElse(settings.jobQueue()));
        p.put("JobDefinition", registered.getOrDefault(jobDefinition, jobDefinition));
        ObjectNode overrides = containerOverrides(node);
        int bound = overrideBound(node, overrides);
        if (bound > StepFunctionsCompiler.MAX_CONTAINER_OVERRIDE_BYTES) {
            throw new ConfigurationException("step '" + node.name() + "': its Batch container override could reach "
                    + bound + " bytes, over Baton's bound of " + StepFunctionsCompiler.MAX_CONTAINER_OVERRIDE_BYTES
                    + " (AWS allows 8 KiB): " + (node.join() ? "join fewer static branches at once" : "shorten it"));
        }
        p.set("ContainerOverrides", overrides);
        ObjectNode retry = p.putObject("RetryStrategy");
        int userRetries = d.retry().map(StepDecorators.RetryPolicy::times).orElse(0);
        retry.put("Attempts", Math.min(MAX_BATCH_ATTEMPTS, userRetries + 1 + TRANSIENT_ATTEMPTS));
        ArrayNode onExit = retry.putArray("EvaluateOnExit");
        onExit.addObject().put("OnExitCode", "3").put("Action", "RETRY");
        onExit.addObject().put("OnExitCode", String.valueOf(ContainerCommand.RETRYABLE_USER_FAILURE))
                .put("Action", "RETRY");
        onExit.addObject().put("OnStatusReason", "Host EC2*").put("Action", "RETRY");
        onExit.addObject().put("OnReason", "*").put("Action", "EXIT");
        d.timeout().ifPresent(t -> p.putObject("Timeout")
                // a backstop: the executor enforces @Timeout itself and records it; Batch kills a minute later
                .put("AttemptDurationSeconds", Math.max(60, t.toSeconds() + 60)));
        ObjectNode selector = F.objectNode();
        selector.put("step", node.name());
        selector.put("taskId.$", "$.JobId");
        // Batch's submit rate limit: retried with capped exponential backoff and full jitter
        Retrier throttled = new Retrier(List.of("Batch.AWSBatchException"), 2, 10, 2.0, Optional.of(60),
                Optional.of("FULL"));
        return new State.Task("step " + node.name(), BATCH_SUBMIT, p, Optional.of(selector),
                Optional.of(ResultPath.to("$.last")), List.of(throttled), Optional.empty(), next);
    }

    private ObjectNode containerOverrides(StepNode node) {
        ObjectNode o = F.objectNode();
        boolean foreachJoin = node.join() && node.closesSplit()
                .map(s -> graph.step(s).transition() instanceof Transition.Foreach).orElse(false);
        ArrayNode env = o.putArray("Environment");
        env.addObject().put("Name", "BATON_STEP").put("Value", node.name());
        env.addObject().put("Name", "BATON_RUN_ID").put("Value.$", "$$.Execution.Name");
        int userRetries = node.decorators().retry().map(StepDecorators.RetryPolicy::times).orElse(0);
        if (userRetries > 0) {
            env.addObject().put("Name", "BATON_USER_RETRIES").put("Value", String.valueOf(userRetries));
        }
        if (node.name().equals("start")) {
            if (!graph.parameters().isEmpty()) {
                List<String> options = new ArrayList<>();
                for (ParameterSpec ps : graph.parameters()) {
                    options.add(ps.optionName().startsWith("--") ? ps.optionName() : "--" + ps.optionName());
                }
                env.addObject().put("Name", "BATON_PARAM_OPTIONS").put("Value", String.join(" ", options));
                for (int i = 0; i < graph.parameters().size(); i++) {
                    env.addObject().put("Name", "BATON_PARAM_" + i)
                            .put("Value.$", "$.parameters." + graph.parameters().get(i).field());
                }
            }
        } else if (node.join() && !foreachJoin) {
            // a static branch join: one parent per branch, from the Parallel's result
            int n = graph.step(node.closesSplit().orElseThrow()).transition().targets().size();
            String format = String.join(",", java.util.Collections.nCopies(n, "{}/{}"));
            env.addObject().put("Name", "BATON_PARENTS").put("Value.$", "States.Format('" + format + "', "
                    + branchParents(n) + ")");
        } else {
            env.addObject().put("Name", "BATON_PARENTS")
                    .put("Value.$", "States.Format('{}/{}', $.last.step, $.last.taskId)");
            if (foreachJoin) {
                env.addObject().put("Name", "BATON_JOIN_SPLIT").put("Value", "1");
            }
        }
        if (!node.inputs().isEmpty() && isForeachChild(node)) {
            env.addObject().put("Name", "BATON_SPLIT_INDEX").put("Value.$", "$.splitIndex");
        }
        ArrayNode resources = o.putArray("ResourceRequirements");
        double cpu = node.decorators().batch().map(StepDecorators.BatchSpec::cpu)
                .orElse(node.decorators().resources().cpu());
        int memory = node.decorators().batch().map(StepDecorators.BatchSpec::memoryMb)
                .orElse(node.decorators().resources().memoryMb());
        int gpu = node.decorators().batch().map(StepDecorators.BatchSpec::gpu)
                .orElse(node.decorators().resources().gpu());
        resources.addObject().put("Type", "VCPU").put("Value", formatCpu(cpu));
        resources.addObject().put("Type", "MEMORY").put("Value", String.valueOf(memory));
        if (gpu > 0) {
            resources.addObject().put("Type", "GPU").put("Value", String.valueOf(gpu));
        }
        return o;
    }

    /** The Format arguments of a branch join's parents: step and task of each branch's last task. */
    private static String branchParents(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append("$.branches.b").append(i).append(".step, $.branches.b")
                    .append(i).append(".taskId");
        }
        return sb.toString();
    }

    /** The first step of a foreach body: its parent is the foreach split, so it needs its index. */
    private boolean isForeachChild(StepNode node) {
        return node.inputs().stream().anyMatch(in -> graph.step(in).transition() instanceof Transition.Foreach);
    }

    /**
     * An upper bound of the override's size at run time: the JSON of command and environment with each dynamic
     * value replaced by its longest possible value.
     */
    private int overrideBound(StepNode node, ObjectNode overrides) {
        int bytes = 0;
        for (var e : overrides.get("Environment")) {
            bytes += e.get("Name").asText().length() + 20;
            if (e.has("Value")) {
                bytes += e.get("Value").asText().getBytes(StandardCharsets.UTF_8).length;
            } else {
                String name = e.get("Name").asText();
                bytes += switch (name) {
                    case "BATON_RUN_ID" -> RUN_ID_BYTES;
                    case "BATON_SPLIT_INDEX" -> 10;
                    case "BATON_PARENTS" -> parentsBound(node);
                    // parameter values are checked by trigger against their own budget
                    default -> 0;
                };
            }
        }
        return bytes;
    }

    private int parentsBound(StepNode node) {
        int total = 0;
        for (String parent : node.inputs()) {
            total += parent.length() + TASK_ID_BYTES + 2;
        }
        if (node.join() && node.closesSplit().isPresent()) {
            Transition t = graph.step(node.closesSplit().get()).transition();
            if (t instanceof Transition.Branch) {
                // each branch's last step may be any step of the branch: bound by the longest step name
                int longest = graph.steps().keySet().stream().mapToInt(String::length).max().orElse(0);
                total = t.targets().size() * (longest + TASK_ID_BYTES + 2);
            } else {
                total = node.closesSplit().get().length() + TASK_ID_BYTES + 2;
            }
        } else if (!node.inputs().isEmpty()) {
            total = node.inputs().stream().mapToInt(String::length).max().orElse(0) + TASK_ID_BYTES + 2;
        }
        return total;
    }

    private static String formatCpu(double cpu) {
        return cpu == Math.rint(cpu) ? String.valueOf((long) cpu) : String.valueOf(cpu);
    }

    private static String jobName(String step) {
        String s = step.replaceAll("[^A-Za-z0-9_-]", "_");
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    private JobDefinitionSpec defaultJobDefinition() {
        return new JobDefinitionSpec(settings.stateMachineName(), settings.image(), ContainerCommand.JOB_COMMAND,
                baseEnvironment(Map.of()),
                settings.jobRoleArn(), 0);
    }

    private Map<String, String> baseEnvironment(Map<String, String> stepEnvironment) {
        Map<String, String> env = new TreeMap<>(settings.environment());
        env.putAll(stepEnvironment);
        env.put("BATON_FLOW", settings.flowClass());
        env.put("BATON_DATASTORE", "s3");
        env.put("BATON_DATASTORE_ROOT", settings.datastoreRoot());
        env.put("BATON_FOREACH_COORDINATOR", "dynamodb");
        env.put("BATON_DYNAMODB_TABLE", settings.coordinatorTable());
        settings.codePackage().ifPresent(c -> env.put("BATON_CODE_PACKAGE", c));
        if (!settings.runTags().isEmpty()) {
            env.put("BATON_RUN_TAGS", String.join(" ", settings.runTags()));
        }
        return env;
    }

    /** The default definition, or the step's own when it needs a different image, role, memory or environment. */
    private String jobDefinitionFor(StepNode node) {
        StepDecorators d = node.decorators();
        Optional<StepDecorators.BatchSpec> b = d.batch();
        String image = b.map(StepDecorators.BatchSpec::image).filter(i -> !i.isBlank()).orElse(settings.image());
        Optional<String> role = b.map(StepDecorators.BatchSpec::iamRole).filter(r -> !r.isBlank())
                .or(settings::jobRoleArn);
        int shm = b.map(StepDecorators.BatchSpec::sharedMemoryMb).orElse(0);
        String name = settings.stateMachineName();
        if (!image.equals(settings.image()) || !role.equals(settings.jobRoleArn()) || shm > 0
                || !d.environment().isEmpty()) {
            name = (settings.stateMachineName() + "-" + jobName(node.name()));
            if (name.length() > 128) {
                name = name.substring(0, 128);
            }
            jobDefinitions.put(name, new JobDefinitionSpec(name, image, ContainerCommand.JOB_COMMAND,
                    baseEnvironment(d.environment()), role, shm));
        }
        stepJobDefinitions.put(node.name(), name);
        return name;
    }
}
