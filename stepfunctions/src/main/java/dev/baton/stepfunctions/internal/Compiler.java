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
import dev.baton.stepfunctions.StateMachineObjects;
import dev.baton.stepfunctions.StepFunctionsCompiler;
import dev.baton.stepfunctions.asl.Catcher;
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
 * {@code $.splitIndex} inside a Map iteration (and {@code $.runId} inside a Distributed Map, whose children are
 * executions with names of their own), {@code $.branches} after a Parallel (one {@code last} per branch),
 * {@code $.switch} after reading a switch's choice, and on the failure path {@code $.error} (what was caught),
 * {@code $.run} and {@code $.patch} (the run record being marked FAILED). Map results are discarded (the join reads
 * its inputs from the foreach coordinator), so no payload grows with the fan-out.
 *
 * <p>Auxiliary states are named {@code <step>.<role>}; a dot never occurs in a step (Java method) name, so they
 * cannot clash with steps.
 */
public final class Compiler {
    static final String BATCH_SUBMIT = "arn:aws:states:::batch:submitJob.sync";
    static final String DYNAMODB_GET = "arn:aws:states:::dynamodb:getItem";
    static final String S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
    static final String S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";
    static final String SDK_S3_GET_OBJECT = "arn:aws:states:::aws-sdk:s3:getObject";
    static final String SDK_S3_PUT_OBJECT = "arn:aws:states:::aws-sdk:s3:putObject";
    /** The run id at the top level (and in inline Maps and Parallel branches): the execution's name. */
    static final String EXECUTION_NAME = "$$.Execution.Name";
    /**
     * The run id inside a Distributed Map, whose children are executions of their own with their own names: the
     * Map's ItemSelector hands the parent's name down as {@code $.runId}.
     */
    static final String RUN_ID_IN_DATA = "$.runId";
    /** The failure path's entry: every top-level Task, Map and Parallel state catches into it. */
    static final String RUN_FAILED_READ = "run.failed.read";
    static final String RUN_FAILED = "run.failed";
    /** Extra Batch attempts for transient failures (exit 3, lost hosts) beyond the step's {@code @Retry}. */
    static final int TRANSIENT_ATTEMPTS = 2;
    /** Batch's limit on the nodes of a multi-node parallel job. */
    static final int MAX_GANG_NODES = 1000;
    /** Batch's maximum attempts. */
    static final int MAX_BATCH_ATTEMPTS = 10;
    /** Longest Batch job id (a UUID) and execution name, for the override size bound. */
    private static final int TASK_ID_BYTES = 36;
    private static final int RUN_ID_BYTES = 80;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final FlowGraph graph;
    private final DeploymentSettings settings;
    /** The datastore root's bucket. */
    private final String bucket;
    /** The datastore root's key prefix: empty, or ending in '/'. */
    private final String keyPrefix;
    private final Map<String, String> registered;
    private final Map<String, JobDefinitionSpec> jobDefinitions = new LinkedHashMap<>();
    private final Map<String, String> stepJobDefinitions = new TreeMap<>();

    public Compiler(FlowGraph graph, DeploymentSettings settings, Map<String, String> registered) {
        this.graph = graph;
        this.settings = settings;
        this.registered = Map.copyOf(registered);
        String root = settings.datastoreRoot().substring("s3://".length());
        int slash = root.indexOf('/');
        this.bucket = slash < 0 ? root : root.substring(0, slash);
        String prefix = slash < 0 ? "" : root.substring(slash + 1).replaceAll("/+$", "");
        this.keyPrefix = prefix.isEmpty() ? "" : prefix + "/";
    }

    public CompiledFlow compile() {
        List<String> problems = new ArrayList<>();
        for (StepNode node : graph.steps().values()) {
            // a gang is one multi-node parallel job running its one step (the graph guarantees it goes straight
            // to the join), so its size is Batch's node limit
            if (node.transition() instanceof Transition.Parallel p) {
                if (p.numParallel() > MAX_GANG_NODES) {
                    problems.add("step '" + node.name() + "' has numParallel = " + p.numParallel() + ": a Batch"
                            + " multi-node parallel job has at most " + MAX_GANG_NODES + " nodes");
                }
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
        new Scope(states, null, EXECUTION_NAME).emit("start");
        addRunFailedStates(states);
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

    /**
     * The failure path: a step (or a state around it) failed for good, so the run record {@code _run.json}, which
     * start wrote RUNNING, is rewritten FAILED, with the error and its cause among its attributes ({@code Error},
     * {@code Cause}); then the execution fails with that error. Step Functions has no runtime that outlives the
     * tasks to do it, and without it readers would see the run RUNNING forever.
     *
     * <p>Read, patch, write: the record holds what only start knew (user, parameters, tags, creation time), so it is
     * read back and merged rather than written from scratch. Without a record (start failed before writing it)
     * there is nothing to mark, and a failure to write leaves the record RUNNING: either way the execution still
     * fails with the step's own error. A timeout ({@code TimeoutSeconds}) or a stop ({@code terminate}) ends the
     * execution without running any state, so it is never recorded here: Step Functions' own status
     * ({@code step-functions list-runs}) is authoritative for those.
     */
    private void addRunFailedStates(Map<String, State> states) {
        String runKey = "States.Format('" + formatLiteral(keyPrefix + graph.name()) + "/{}/"
                + StateMachineObjects.RUN_FILE + "', " + EXECUTION_NAME + ")";
        Retrier s3 = new Retrier(List.of("S3.S3Exception", "S3.SdkClientException"), 1, 3, 2.0, Optional.of(10),
                Optional.of("FULL"));
        List<Catcher> giveUp = List.of(new Catcher(List.of("States.ALL"), ResultPath.to("$.recordError"), RUN_FAILED));
        ObjectNode read = F.objectNode();
        read.put("Bucket", bucket);
        read.put("Key.$", runKey);
        ObjectNode record = F.objectNode();
        record.put("record.$", "States.StringToJson($.Body)");
        states.put(RUN_FAILED_READ, new State.Task("the run failed: read its record to mark it FAILED", SDK_S3_GET_OBJECT,
                read, Optional.of(record), Optional.of(ResultPath.to("$.run")), List.of(s3), giveUp, Optional.empty(),
                Next.to("run.failed.patch")));
        ObjectNode patch = F.objectNode();
        patch.put("status", "FAILED");
        patch.put("finishedAt.$", "$$.State.EnteredTime");
        patch.put("attributes.$", "States.JsonMerge($.run.record.attributes, $.error, false)");
        states.put("run.failed.patch", new State.Pass("status FAILED, the end time, and the error and cause as"
                + " attributes", Optional.of(patch), Optional.of(ResultPath.to("$.patch")), Next.to("run.failed.write")));
        ObjectNode write = F.objectNode();
        write.put("Bucket", bucket);
        write.put("Key.$", runKey);
        write.put("ContentType", "application/json");
        write.put("Body.$", "States.JsonToString(States.JsonMerge($.run.record, $.patch, false))");
        states.put("run.failed.write", new State.Task("write the record back", SDK_S3_PUT_OBJECT, write,
                Optional.empty(), Optional.of(ResultPath.discard()), List.of(s3), giveUp, Optional.empty(),
                Next.to(RUN_FAILED)));
        states.put(RUN_FAILED, new State.Fail("fails the execution with the step's own error", "$.error.Error",
                "$.error.Cause", true));
    }

    /** {@code text} as a literal inside a States.Format template: quote, braces and backslash escaped. */
    public static String formatLiteral(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '\\' || c == '\'' || c == '{' || c == '}') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** One set of states: the machine's top level, a Parallel branch or a Map iteration. */
    private final class Scope {
        final Map<String, State> states;
        /** The join that ends this scope (the state that would come next is outside it), or null at top level. */
        final String stop;
        /** The run id's path here: {@link #EXECUTION_NAME}, or {@link #RUN_ID_IN_DATA} inside a Distributed Map. */
        final String runId;
        String endPass;

        Scope(Map<String, State> states, String stop, String runId) {
            this.states = states;
            this.stop = stop;
            this.runId = runId;
        }

        /**
         * The top level catches every failure into the run-failed path. Nested scopes do not: a failure there fails
         * the enclosing Parallel or Map, which is (or is inside) a top-level state that catches it.
         */
        List<Catcher> catchers() {
            return stop == null ? List.of(new Catcher(List.of("States.ALL"), ResultPath.to("$.error"), RUN_FAILED_READ))
                    : List.of();
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
                // a Distributed Map reads the split's items from S3 itself; an inline one needs them in the data
                after = Next.to(stepName + (settings.distributedMap() ? ".foreach" : ".split"));
                emitForeach(node, f);
            } else if (t instanceof Transition.Switch s) {
                after = Next.to(stepName + ".switch");
                emitSwitch(node, s);
            } else if (t instanceof Transition.Parallel p) {
                after = Next.to(stepName + ".gang");
                emitGang(node, p);
            } else {
                throw new IllegalStateException("unexpected transition " + t);
            }
            states.put(stepName, task(node, runId, catchers(), after, 0));
        }

        private void emitBranch(StepNode node, Transition.Branch b) {
            String join = node.matchingJoin().orElseThrow();
            List<State.Scope> branches = new ArrayList<>();
            ObjectNode selector = F.objectNode();
            for (int i = 0; i < b.next().size(); i++) {
                Map<String, State> inner = new LinkedHashMap<>();
                new Scope(inner, join, runId).emit(b.next().get(i));
                branches.add(new State.Scope(b.next().get(i), inner));
                selector.put("b" + i + ".$", "$[" + i + "].last");
            }
            // reserve the name (emission order: split, its Parallel, the join), then emit the join
            states.put(node.name() + ".branch", new State.Succeed("placeholder"));
            states.put(node.name() + ".branch", new State.Parallel("the branches of " + node.name(), branches,
                    Optional.of(selector), Optional.of(ResultPath.to("$.branches")), catchers(), to(join)));
        }

        private void emitForeach(StepNode node, Transition.Foreach f) {
            String join = node.matchingJoin().orElseThrow();
            boolean distributed = settings.distributedMap();
            String innerRunId = distributed ? RUN_ID_IN_DATA : runId;
            Map<String, State> inner = new LinkedHashMap<>();
            ObjectNode items = F.objectNode();
            if (distributed) {
                // the split task wrote its indices as a JSON array of strings (StateMachineObjects): no payload,
                // no DynamoDB item holds them, so the fan-out is bounded by the Map Run, not by 256 KiB
                items.put("splitIndex.$", "$$.Map.Item.Value");
            } else {
                ObjectNode selector = F.objectNode();
                selector.put("indices.$", "$.Item.items.L");
                states.put(node.name() + ".split", getItem("the items of the foreach split " + node.name()
                        + " (recorded by the split task in the foreach coordinator)", selector, "$.split",
                        Next.to(node.name() + ".foreach")));
                items.put("splitIndex.$", "$$.Map.Item.Value.N");
            }
            items.put("last.$", "$.last");
            if (innerRunId.equals(RUN_ID_IN_DATA)) {
                items.put("runId.$", runId);
            }
            new Scope(inner, join, innerRunId).emit(f.next());
            Optional<ObjectNode> reader = Optional.empty();
            Optional<ObjectNode> writer = Optional.empty();
            if (distributed) {
                ObjectNode r = F.objectNode();
                r.put("Resource", S3_GET_OBJECT);
                r.putObject("ReaderConfig").put("InputType", "JSON");
                ObjectNode params = r.putObject("Parameters");
                params.put("Bucket", bucket);
                params.put("Key.$", splitTaskKey(runId, StateMachineObjects.FOREACH_ITEMS_FILE));
                reader = Optional.of(r);
                // the children's outputs go to S3, next to the items, so that no result array meets the payload
                // limit (the Map's result is discarded anyway)
                ObjectNode w = F.objectNode();
                w.put("Resource", S3_PUT_OBJECT);
                ObjectNode wp = w.putObject("Parameters");
                wp.put("Bucket", bucket);
                wp.put("Prefix.$", splitTaskKey(runId, StateMachineObjects.MAP_RESULTS_DIR));
                writer = Optional.of(w);
            }
            // discarded result: the join asks the coordinator for its inputs, so nothing grows with the fan-out
            states.put(node.name() + ".foreach", new State.Succeed("placeholder"));
            states.put(node.name() + ".foreach", new State.MapState("one " + f.next() + " task per element of "
                    + f.field(), distributed ? Optional.empty() : Optional.of("$.split.indices"), reader, items,
                    new State.Scope(f.next(), inner), distributed, settings.maxWorkers(), writer,
                    Optional.of(ResultPath.discard()), catchers(), to(join)));
        }

        /**
         * A States.Format of {@code <prefix><Flow>/<run>/<split step>/<split task>/<name>}: the split is the task
         * that ran last ({@code $.last}), its task id the Batch job id.
         */
        private String splitTaskKey(String runIdPath, String name) {
            return "States.Format('" + formatLiteral(keyPrefix + graph.name()) + "/{}/{}/{}/" + formatLiteral(name)
                    + "', " + runIdPath + ", $.last.step, $.last.taskId)";
        }

        /**
         * A gang: one {@code batch:submitJob.sync} of a multi-node parallel job whose every node runs the member
         * step (index = node index); the result is discarded so that {@code $.last} stays the split task, which the
         * join names ({@code --join-split}), as after a foreach.
         */
        private void emitGang(StepNode node, Transition.Parallel p) {
            String join = node.matchingJoin().orElseThrow();
            states.put(node.name() + ".gang",
                    task(graph.step(p.next()), runId, catchers(), to(join), p.numParallel()));
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

        private State.Task getItem(String comment, ObjectNode selector, String resultPath, Next next) {
            return Compiler.this.getItem(comment, selector, resultPath, runId, catchers(), next);
        }
    }

    private State.Task getItem(String comment, ObjectNode selector, String resultPath, String runId,
            List<Catcher> catchers, Next next) {
        ObjectNode params = F.objectNode();
        params.put("TableName", settings.coordinatorTable());
        params.put("ConsistentRead", true);
        ObjectNode key = params.putObject("Key").putObject("pathspec");
        key.put("S.$", "States.Format('" + graph.name() + "/{}/{}/{}', " + runId + ", $.last.step, $.last.taskId)");
        Retrier retry = new Retrier(List.of("DynamoDB.ProvisionedThroughputExceededException",
                "DynamoDB.RequestLimitExceeded", "DynamoDB.InternalServerErrorException",
                "DynamoDB.AmazonDynamoDBException"), 1, 8, 2.0, Optional.of(30), Optional.of("FULL"));
        return new State.Task(comment, DYNAMODB_GET, params, Optional.of(selector),
                Optional.of(ResultPath.to(resultPath)), List.of(retry), catchers, Optional.empty(), next);
    }

    /**
     * The Batch task of one step; with {@code gangNodes > 0} a multi-node parallel job of that many nodes, each
     * running the step as one gang member.
     */
    private State.Task task(StepNode node, String runId, List<Catcher> catchers, Next next, int gangNodes) {
        StepDecorators d = node.decorators();
        String jobDefinition = jobDefinitionFor(node, gangNodes);
        ObjectNode p = F.objectNode();
        p.put("JobName", jobName(node.name()));
        p.put("JobQueue", d.batch().map(StepDecorators.BatchSpec::queue).filter(q -> !q.isBlank())
                .orElse(settings.jobQueue()));
        p.put("JobDefinition", registered.getOrDefault(jobDefinition, jobDefinition));
        ObjectNode overrides = containerOverrides(node, runId);
        int bound = overrideBound(node, overrides);
        if (bound > StepFunctionsCompiler.MAX_CONTAINER_OVERRIDE_BYTES) {
            throw new ConfigurationException("step '" + node.name() + "': its Batch container override could reach "
                    + bound + " bytes, over Baton's bound of " + StepFunctionsCompiler.MAX_CONTAINER_OVERRIDE_BYTES
                    + " (AWS allows 8 KiB): " + (node.join() ? "join fewer static branches at once" : "shorten it"));
        }
        if (gangNodes > 0) {
            ObjectNode nodes = p.putObject("NodeOverrides");
            nodes.put("NumNodes", gangNodes);
            nodes.putArray("NodePropertyOverrides").addObject().put("TargetNodes", "0:")
                    .set("ContainerOverrides", overrides);
        } else {
            p.set("ContainerOverrides", overrides);
        }
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
        if (gangNodes > 0) {
            return new State.Task("step " + node.name() + ": a gang of " + gangNodes + " (one multi-node parallel job;"
                    + " its main node waits for the others)", BATCH_SUBMIT, p, Optional.empty(),
                    Optional.of(ResultPath.discard()), List.of(throttled), catchers, Optional.empty(), next);
        }
        return new State.Task("step " + node.name(), BATCH_SUBMIT, p, Optional.of(selector),
                Optional.of(ResultPath.to("$.last")), List.of(throttled), catchers, Optional.empty(), next);
    }

    private ObjectNode containerOverrides(StepNode node, String runId) {
        ObjectNode o = F.objectNode();
        boolean foreachJoin = node.join() && node.closesSplit().map(s -> graph.step(s).transition())
                .map(t -> t instanceof Transition.Foreach || t instanceof Transition.Parallel).orElse(false);
        ArrayNode env = o.putArray("Environment");
        env.addObject().put("Name", "BATON_STEP").put("Value", node.name());
        env.addObject().put("Name", "BATON_RUN_ID").put("Value.$", runId);
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
        if (isGangMember(node)) {
            // the node index is the member's index, and the main node waits for the others (ContainerCommand)
            env.addObject().put("Name", "BATON_GANG").put("Value", "1");
        }
        if (settings.distributedMap() && node.transition() instanceof Transition.Foreach) {
            // the Distributed Map's ItemReader reads the items object this split writes when asked
            env.addObject().put("Name", StateMachineObjects.FOREACH_ITEMS_ENV).put("Value", "1");
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

    /** The step a gang runs: its parent is a {@code numParallel} split. */
    private boolean isGangMember(StepNode node) {
        return node.inputs().stream().anyMatch(in -> graph.step(in).transition() instanceof Transition.Parallel);
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

    /**
     * The default definition, or the step's own when it needs a different image, role, memory or environment, or
     * is a gang's (a multi-node parallel job definition, {@code <machine>-<step>-gang}).
     */
    private String jobDefinitionFor(StepNode node, int gangNodes) {
        StepDecorators d = node.decorators();
        Optional<StepDecorators.BatchSpec> b = d.batch();
        String image = b.map(StepDecorators.BatchSpec::image).filter(i -> !i.isBlank()).orElse(settings.image());
        Optional<String> role = b.map(StepDecorators.BatchSpec::iamRole).filter(r -> !r.isBlank())
                .or(settings::jobRoleArn);
        int shm = b.map(StepDecorators.BatchSpec::sharedMemoryMb).orElse(0);
        String name = settings.stateMachineName();
        if (gangNodes > 0 || !image.equals(settings.image()) || !role.equals(settings.jobRoleArn()) || shm > 0
                || !d.environment().isEmpty()) {
            String suffix = gangNodes > 0 ? "-gang" : "";
            name = settings.stateMachineName() + "-" + jobName(node.name());
            if (name.length() > 128 - suffix.length()) {
                name = name.substring(0, 128 - suffix.length());
            }
            name += suffix;
            jobDefinitions.put(name, new JobDefinitionSpec(name, image, ContainerCommand.JOB_COMMAND,
                    baseEnvironment(d.environment()), role, shm, gangNodes));
        }
        stepJobDefinitions.put(node.name(), name);
        return name;
    }
}
