package dev.baton.stepfunctions.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Writes a {@link StateMachine} as Amazon States Language JSON: two-space indentation, {@code "key": value}, one
 * array element per line, {@code \n} line ends, and a fixed key order per state type (Type, Comment, the type's
 * fields, ResultSelector, ResultPath, Retry, Catch, Next/End). The same machine always gives the same bytes.
 */
public final class AslJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AslJson() {}

    /** The definition as pretty JSON ending in a newline. */
    public static String write(StateMachine machine) {
        return pretty(tree(machine));
    }

    /** The definition as compact JSON (what is sent to AWS, and what counts against its size limit). */
    public static String writeCompact(StateMachine machine) {
        try {
            return MAPPER.writeValueAsString(tree(machine));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the state machine definition", e);
        }
    }

    /** Any JSON tree in the same stable pretty format. */
    public static String pretty(JsonNode node) {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(indenter);
        printer.indentArraysWith(indenter);
        try {
            return MAPPER.writer(printer).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** The definition as a Jackson tree. */
    public static ObjectNode tree(StateMachine machine) {
        ObjectNode root = F.objectNode();
        if (machine.comment() != null) {
            root.put("Comment", machine.comment());
        }
        root.put("StartAt", machine.startAt());
        root.set("States", states(machine.states()));
        machine.timeoutSeconds().ifPresent(t -> root.put("TimeoutSeconds", t));
        return root;
    }

    private static ObjectNode states(Map<String, State> states) {
        ObjectNode out = F.objectNode();
        states.forEach((name, state) -> out.set(name, state(state)));
        return out;
    }

    private static ObjectNode scope(State.Scope scope) {
        ObjectNode out = F.objectNode();
        out.put("StartAt", scope.startAt());
        out.set("States", states(scope.states()));
        return out;
    }

    private static ObjectNode state(State state) {
        ObjectNode o = F.objectNode();
        if (state instanceof State.Task t) {
            head(o, "Task", t.comment());
            o.put("Resource", t.resource());
            o.set("Parameters", t.parameters());
            t.resultSelector().ifPresent(r -> o.set("ResultSelector", r));
            t.resultPath().ifPresent(r -> resultPath(o, r));
            t.timeoutSeconds().ifPresent(s -> o.put("TimeoutSeconds", s));
            retry(o, t.retry());
            catchers(o, t.catchers());
            next(o, t.next());
        } else if (state instanceof State.MapState m) {
            head(o, "Map", m.comment());
            m.itemsPath().ifPresent(p -> o.put("ItemsPath", p));
            m.itemReader().ifPresent(r -> o.set("ItemReader", r));
            o.set("ItemSelector", m.itemSelector());
            ObjectNode processor = F.objectNode();
            ObjectNode config = processor.putObject("ProcessorConfig");
            config.put("Mode", m.distributed() ? "DISTRIBUTED" : "INLINE");
            if (m.distributed()) {
                config.put("ExecutionType", "STANDARD");
            }
            processor.setAll(scope(m.itemProcessor()));
            o.set("ItemProcessor", processor);
            if (m.maxConcurrency() > 0) {
                o.put("MaxConcurrency", m.maxConcurrency());
            }
            m.resultWriter().ifPresent(w -> o.set("ResultWriter", w));
            m.resultPath().ifPresent(r -> resultPath(o, r));
            catchers(o, m.catchers());
            next(o, m.next());
        } else if (state instanceof State.Parallel p) {
            head(o, "Parallel", p.comment());
            ArrayNode branches = o.putArray("Branches");
            p.branches().forEach(b -> branches.add(scope(b)));
            p.resultSelector().ifPresent(r -> o.set("ResultSelector", r));
            p.resultPath().ifPresent(r -> resultPath(o, r));
            catchers(o, p.catchers());
            next(o, p.next());
        } else if (state instanceof State.Choice c) {
            head(o, "Choice", c.comment());
            ArrayNode rules = o.putArray("Choices");
            for (State.ChoiceRule r : c.choices()) {
                ObjectNode rule = rules.addObject();
                rule.put("Variable", r.variable());
                rule.set(r.comparison(), r.value());
                rule.put("Next", r.next());
            }
            c.defaultNext().ifPresent(d -> o.put("Default", d));
        } else if (state instanceof State.Pass p) {
            head(o, "Pass", p.comment());
            p.parameters().ifPresent(x -> o.set("Parameters", x));
            p.resultPath().ifPresent(r -> resultPath(o, r));
            next(o, p.next());
        } else if (state instanceof State.Succeed s) {
            head(o, "Succeed", s.comment());
        } else if (state instanceof State.Fail f) {
            head(o, "Fail", f.comment());
            o.put(f.fromPaths() ? "ErrorPath" : "Error", f.error());
            o.put(f.fromPaths() ? "CausePath" : "Cause", f.cause());
        } else if (state instanceof State.Wait w) {
            head(o, "Wait", w.comment());
            o.put("Seconds", w.seconds());
            next(o, w.next());
        }
        return o;
    }

    private static void head(ObjectNode o, String type, String comment) {
        o.put("Type", type);
        if (comment != null) {
            o.put("Comment", comment);
        }
    }

    private static void resultPath(ObjectNode o, ResultPath r) {
        if (r.discards()) {
            o.putNull("ResultPath");
        } else {
            o.put("ResultPath", r.path());
        }
    }

    private static void retry(ObjectNode o, java.util.List<Retrier> retriers) {
        if (retriers.isEmpty()) {
            return;
        }
        ArrayNode arr = o.putArray("Retry");
        for (Retrier r : retriers) {
            ObjectNode x = arr.addObject();
            ArrayNode errors = x.putArray("ErrorEquals");
            r.errorEquals().forEach(errors::add);
            x.put("IntervalSeconds", r.intervalSeconds());
            x.put("MaxAttempts", r.maxAttempts());
            x.put("BackoffRate", r.backoffRate());
            r.maxDelaySeconds().ifPresent(d -> x.put("MaxDelaySeconds", d));
            r.jitterStrategy().ifPresent(j -> x.put("JitterStrategy", j));
        }
    }

    private static void catchers(ObjectNode o, java.util.List<Catcher> catchers) {
        if (catchers.isEmpty()) {
            return;
        }
        ArrayNode arr = o.putArray("Catch");
        for (Catcher c : catchers) {
            ObjectNode x = arr.addObject();
            ArrayNode errors = x.putArray("ErrorEquals");
            c.errorEquals().forEach(errors::add);
            resultPath(x, c.resultPath());
            x.put("Next", c.next());
        }
    }

    private static void next(ObjectNode o, Next next) {
        if (next instanceof Next.Goto g) {
            o.put("Next", g.state());
        } else {
            o.put("End", true);
        }
    }
}
