package dev.baton.flow.internal;

import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.GraphFormat;
import dev.baton.flow.graph.ParameterSpec;
import dev.baton.flow.graph.StepDecorators;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a {@link FlowGraph} as text, Mermaid or Graphviz DOT. Implementation of {@link GraphFormat}. */
public final class GraphRenderer {
    private GraphRenderer() {}

    /** Renders {@code graph} in {@code format}. */
    public static String render(GraphFormat format, FlowGraph graph) {
        return switch (format) {
            case TEXT -> text(graph);
            case MERMAID -> mermaid(graph);
            case DOT -> dot(graph);
        };
    }

    /** One edge to draw: from, to, label (may be empty), and whether it loops back. */
    private record Edge(String from, String to, String label, boolean back) {}

    private static List<Edge> edges(FlowGraph graph) {
        Map<String, Integer> position = new HashMap<>();
        int i = 0;
        for (String name : graph.steps().keySet()) {
            position.put(name, i++);
        }
        List<Edge> edges = new ArrayList<>();
        for (StepNode node : graph.steps().values()) {
            String from = node.name();
            Transition t = node.transition();
            if (t instanceof Transition.Switch s) {
                // several values may share one target: one edge listing them all
                Map<String, List<String>> byTarget = new java.util.LinkedHashMap<>();
                s.cases().forEach((value, target) -> byTarget.computeIfAbsent(target, k -> new ArrayList<>())
                        .add(value));
                byTarget.forEach((target, values) -> edges.add(new Edge(from, target,
                        s.field() + " = " + String.join(" | ", values),
                        position.get(target) <= position.get(from))));
            } else {
                String label = t instanceof Transition.Foreach f ? "foreach " + f.field()
                        : t instanceof Transition.Parallel p ? "numParallel " + p.numParallel() : "";
                for (String target : t.targets()) {
                    edges.add(new Edge(from, target, label, position.get(target) <= position.get(from)));
                }
            }
        }
        return edges;
    }

    // ------------------------------------------------------------------------------------------ text

    private static String text(FlowGraph graph) {
        StringBuilder out = new StringBuilder();
        out.append(graph.name()).append(" (").append(graph.flowClass().getName()).append(")\n");
        graph.project().ifPresent(p -> out.append("  project: ").append(p).append('\n'));
        graph.schedule().ifPresent(s -> out.append("  schedule: ").append(s).append(" (").append(graph.timezone())
                .append(")\n"));
        for (ParameterSpec p : graph.parameters()) {
            out.append("  parameter --").append(p.optionName()).append(" (").append(typeName(p.type()));
            if (p.required()) {
                out.append(", required");
            } else {
                out.append(", default ").append(p.defaultValue());
            }
            out.append(')');
            if (!p.help().isEmpty()) {
                out.append(": ").append(p.help());
            }
            out.append('\n');
        }
        if (!graph.artifactFields().isEmpty()) {
            out.append("  artifacts: ").append(String.join(", ", graph.artifactFields())).append('\n');
        }
        for (StepNode node : graph.steps().values()) {
            out.append('\n').append(node.name());
            List<String> notes = new ArrayList<>();
            node.closesSplit().ifPresent(s -> notes.add("join of " + s));
            if (!node.splitParents().isEmpty()) {
                notes.add("inside " + String.join(" > ", node.splitParents()));
            }
            if (node.foreachDepth() > 0) {
                notes.add("foreach depth " + node.foreachDepth());
            }
            if (!notes.isEmpty()) {
                out.append("  (").append(String.join("; ", notes)).append(')');
            }
            out.append("\n    ").append(describe(node)).append('\n');
            String decorators = decorators(node.decorators());
            if (!decorators.isEmpty()) {
                out.append("    ").append(decorators).append('\n');
            }
        }
        return out.toString();
    }

    private static String typeName(Type type) {
        return type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName();
    }

    private static String describe(StepNode node) {
        String joined = node.matchingJoin().map(j -> "  (joined at " + j + ")").orElse("");
        Transition t = node.transition();
        if (t instanceof Transition.Linear l) {
            return "-> " + l.next();
        } else if (t instanceof Transition.Branch b) {
            return "-> " + String.join(", ", b.next()) + joined;
        } else if (t instanceof Transition.Foreach f) {
            return "foreach " + f.field() + " -> " + f.next() + joined;
        } else if (t instanceof Transition.Parallel p) {
            return "numParallel " + p.numParallel() + " -> " + p.next() + joined;
        } else if (t instanceof Transition.Switch s) {
            return "switch on " + s.field() + ": " + s.cases().entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\" -> " + e.getValue()).collect(Collectors.joining(", "));
        }
        return "(end of flow)";
    }

    private static String decorators(StepDecorators d) {
        List<String> parts = new ArrayList<>();
        d.retry().ifPresent(r -> parts.add("@Retry(times = " + r.times()
                + (r.minutesBetweenRetries() > 0 ? ", minutesBetweenRetries = " + r.minutesBetweenRetries() : "")
                + ")"));
        d.timeout().ifPresent(t -> parts.add("@Timeout(" + t.toString().substring(2).toLowerCase() + ")"));
        d.catchPolicy().ifPresent(c -> parts.add("@Catch(" + (c.var().isEmpty() ? "" : "var = " + c.var()) + ")"));
        if (!d.resources().equals(StepDecorators.ResourceSpec.DEFAULT)) {
            parts.add("@Resources(cpu = " + num(d.resources().cpu()) + ", memoryMb = " + d.resources().memoryMb()
                    + ", gpu = " + d.resources().gpu() + ")");
        }
        d.batch().ifPresent(b -> {
            List<String> a = new ArrayList<>();
            if (!b.queue().isEmpty()) {
                a.add("queue = " + b.queue());
            }
            if (!b.image().isEmpty()) {
                a.add("image = " + b.image());
            }
            a.add("cpu = " + num(b.cpu()));
            a.add("memoryMb = " + b.memoryMb());
            a.add("gpu = " + b.gpu());
            parts.add("@Batch(" + String.join(", ", a) + ")");
        });
        if (!d.environment().isEmpty()) {
            parts.add("@Environment(" + String.join(", ", d.environment().keySet()) + ")");
        }
        return String.join(" ", parts);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    // ------------------------------------------------------------------------------------------ mermaid

    private static String mermaid(FlowGraph graph) {
        Map<String, String> ids = ids(graph);
        StringBuilder out = new StringBuilder("flowchart TD\n");
        for (StepNode node : graph.steps().values()) {
            String label = mermaidText(node.name() + decoratorHint(node));
            String id = ids.get(node.name());
            Transition t = node.transition();
            String shape;
            if (node.name().equals("start") || t instanceof Transition.End) {
                shape = id + "([\"" + label + "\"])";
            } else if (t instanceof Transition.Switch) {
                shape = id + "{\"" + label + "\"}";
            } else if (node.join()) {
                shape = id + "[[\"" + label + "\"]]";
            } else if (node.isSplit()) {
                shape = id + "{{\"" + label + "\"}}";
            } else {
                shape = id + "[\"" + label + "\"]";
            }
            out.append("    ").append(shape).append('\n');
        }
        for (Edge e : edges(graph)) {
            out.append("    ").append(ids.get(e.from())).append(e.back() ? " -.->" : " -->");
            if (!e.label().isEmpty()) {
                out.append("|\"").append(mermaidText(e.label())).append("\"|");
            }
            out.append(' ').append(ids.get(e.to())).append('\n');
        }
        return out.toString();
    }

    /** Mermaid node ids: {@code s0, s1, ...}, so that no step name can collide with a Mermaid keyword. */
    private static Map<String, String> ids(FlowGraph graph) {
        Map<String, String> ids = new HashMap<>();
        int i = 0;
        for (String name : graph.steps().keySet()) {
            ids.put(name, "s" + i++);
        }
        return ids;
    }

    private static String decoratorHint(StepNode node) {
        StepDecorators d = node.decorators();
        List<String> hints = new ArrayList<>();
        d.retry().ifPresent(r -> hints.add("retry " + r.times()));
        d.catchPolicy().ifPresent(c -> hints.add("catch"));
        d.batch().ifPresent(b -> hints.add("batch"));
        return hints.isEmpty() ? "" : " (" + String.join(", ", hints) + ")";
    }

    /** Mermaid entity codes keep quotes and markup characters from ending the label. */
    private static String mermaidText(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("#quot;");
                case '<' -> out.append("#lt;");
                case '>' -> out.append("#gt;");
                case '#' -> out.append("#35;");
                case '&' -> out.append("#amp;");
                case '|' -> out.append("#124;");
                case '\n', '\r' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------------ dot

    private static String dot(FlowGraph graph) {
        StringBuilder out = new StringBuilder();
        out.append("digraph ").append(dotString(graph.name())).append(" {\n");
        out.append("    rankdir=TB;\n");
        out.append("    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
        out.append("    edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (StepNode node : graph.steps().values()) {
            Transition t = node.transition();
            String shape = node.name().equals("start") || t instanceof Transition.End ? "ellipse"
                    : t instanceof Transition.Switch ? "diamond"
                    : node.join() ? "box, peripheries=2"
                    : node.isSplit() ? "hexagon" : "box";
            out.append("    ").append(dotString(node.name())).append(" [label=")
                    .append(dotString(node.name() + decoratorHint(node))).append(", shape=").append(shape)
                    .append("];\n");
        }
        for (Edge e : edges(graph)) {
            out.append("    ").append(dotString(e.from())).append(" -> ").append(dotString(e.to()));
            List<String> attrs = new ArrayList<>();
            if (!e.label().isEmpty()) {
                attrs.add("label=" + dotString(e.label()));
            }
            if (e.back()) {
                attrs.add("style=dashed");
                attrs.add("constraint=false");
            }
            if (!attrs.isEmpty()) {
                out.append(" [").append(String.join(", ", attrs)).append(']');
            }
            out.append(";\n");
        }
        out.append("}\n");
        return out.toString();
    }

    /** A DOT double-quoted string. */
    private static String dotString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "") + "\"";
    }
}
