package dev.baton.flow.internal;

import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import dev.baton.flow.internal.FlowIntrospector.DeclaredStep;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the structure of a flow graph as a whole and computes, for each step, the splits that enclose it.
 *
 * <p>The core idea: walk the graph from {@code start}, carrying the stack of open splits. Every split pushes a
 * frame (split step, branch taken); every join pops the innermost frame and so closes that split. A step that is
 * reached along several paths must see the same stack from all of them: two different branches of one split
 * meeting at a step that is not a join, a join closing different splits, or a loop that crosses a split boundary
 * all show up as a difference between stacks, and the difference says which. A switch pushes nothing: exactly one
 * case runs, so its cases may meet again at an ordinary step.
 */
final class GraphAnalyzer {
    private enum SplitKind {
        BRANCH, FOREACH, PARALLEL
    }

    /** One open split on the way to a step: the split step and the branch (first step) taken out of it. */
    private record Frame(String split, String branch, SplitKind kind) {}

    private final String flowName;
    private final Map<String, DeclaredStep> steps;
    private final ErrorSink errors;

    /** Valid edges (known, non-start targets), source to targets in declaration order. */
    private final Map<String, List<String>> edges = new LinkedHashMap<>();
    /** Edges that close a loop not going through a switch; reported, then ignored so analysis can go on. */
    private final Set<List<String>> badEdges = new HashSet<>();
    /** Reachable steps in breadth-first order from start. */
    private final List<String> reachable = new ArrayList<>();

    private final Map<String, List<Frame>> stackOf = new HashMap<>();
    private final Map<String, String> firstFrom = new HashMap<>();
    /** For each join: the frames it closes, in arrival order, and the split it closes first. */
    private final Map<String, Set<Frame>> closedFrames = new LinkedHashMap<>();
    private final Map<String, String> closesSplit = new HashMap<>();
    /** Split to the branches that reached end without a join, and from where. */
    private final Map<String, Map<String, String>> leaks = new LinkedHashMap<>();
    private final Set<String> mismatchReported = new HashSet<>();
    /** Splits named in a reported nesting problem; their own checks would only repeat it. */
    private final Set<String> confused = new HashSet<>();
    /**
     * Steps whose transition is unusable or names a step it cannot go to (already reported). What follows them is
     * unknown, so reachability and join completeness are not judged when one of them is reachable.
     */
    private final Set<String> broken = new HashSet<>();
    /** Stack-dependent problems, reported after the walk so that consequences of an earlier one are left out. */
    private final Map<String, String> stackProblems = new LinkedHashMap<>();
    /** Steps at or after a reported stack problem: their stacks are not meaningful. */
    private final Set<String> tainted = new HashSet<>();

    private GraphAnalyzer(String flowName, Map<String, DeclaredStep> steps, ErrorSink errors) {
        this.flowName = flowName;
        this.steps = steps;
        this.errors = errors;
    }

    /**
     * Validates the structure; when it is sound (and {@code errors} was empty on entry), returns the nodes in graph
     * order, else an empty map.
     */
    static Map<String, StepNode> analyze(String flowName, Map<String, DeclaredStep> steps, ErrorSink errors) {
        return new GraphAnalyzer(flowName, steps, errors).analyze();
    }

    private Map<String, StepNode> analyze() {
        boolean hasStart = steps.containsKey("start");
        if (!hasStart) {
            errors.add(null, flowName + " has no start step: add @Step(next = \"...\") public void start()");
        }
        if (!steps.containsKey("end")) {
            errors.add(null, flowName + " has no end step: add @Step public void end()");
        }
        collectEdges();
        if (!hasStart) {
            return Map.of();
        }
        findReachable();
        checkCycles();
        checkLoopExits();
        propagate();
        checkSplits();
        if (!errors.isEmpty()) {
            return Map.of();
        }
        return buildNodes();
    }

    // ---------------------------------------------------------------- edges and reachability

    private void collectEdges() {
        for (DeclaredStep step : steps.values()) {
            List<String> valid = new ArrayList<>();
            if (step.transition() == null) {
                broken.add(step.name());
            } else {
                for (String target : step.transition().targets()) {
                    if (!steps.containsKey(target)) {
                        broken.add(step.name());
                        if (target.equals("end")) {
                            continue; // the missing end is reported once, not at every step that goes there
                        }
                        errors.add(step.name(), "goes to '" + target + "', which is not a step of " + flowName
                                + suggestion(target) + ": fix the name or add a @Step method " + target + "()");
                    } else if (target.equals("start")) {
                        broken.add(step.name());
                        errors.add(step.name(), "goes to start, but start must have no incoming transitions"
                                + " (it runs once, first): point it at another step");
                    } else {
                        valid.add(target);
                    }
                }
            }
            edges.put(step.name(), valid);
        }
    }

    private String suggestion(String target) {
        String best = null;
        int bestDistance = 3;
        for (String name : steps.keySet()) {
            int d = levenshtein(target.toLowerCase(), name.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private List<String> targets(String step) {
        List<String> out = new ArrayList<>();
        for (String t : edges.getOrDefault(step, List.of())) {
            if (!badEdges.contains(List.of(step, t))) {
                out.add(t);
            }
        }
        return out;
    }

    private void findReachable() {
        Set<String> seen = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add("start");
        seen.add("start");
        while (!queue.isEmpty()) {
            String u = queue.poll();
            reachable.add(u);
            for (String v : edges.get(u)) {
                if (seen.add(v)) {
                    queue.add(v);
                }
            }
        }
        if (reachable.stream().anyMatch(broken::contains)) {
            return; // steps after a broken transition look unreachable only because of it
        }
        for (String name : steps.keySet()) {
            if (!seen.contains(name)) {
                errors.add(name, "is not reachable from start: no next or case of a reachable step leads to it;"
                        + " connect it or remove its @Step");
            }
        }
    }

    // ---------------------------------------------------------------- loops

    private boolean isSwitch(String step) {
        return steps.get(step).transition() instanceof Transition.Switch;
    }

    /** Loops are legal only through a switch case: without switch edges, the graph must be acyclic. */
    private void checkCycles() {
        Map<String, Integer> state = new HashMap<>(); // 1 = on the DFS path, 2 = done
        Deque<String> path = new ArrayDeque<>();
        for (String root : reachable) {
            if (!state.containsKey(root)) {
                dfsCycles(root, state, path);
            }
        }
    }

    private void dfsCycles(String u, Map<String, Integer> state, Deque<String> path) {
        state.put(u, 1);
        path.addLast(u);
        if (!isSwitch(u)) {
            for (String v : edges.get(u)) {
                Integer s = state.get(v);
                if (s == null) {
                    dfsCycles(v, state, path);
                } else if (s == 1) {
                    List<String> loop = new ArrayList<>();
                    boolean in = false;
                    for (String p : path) {
                        in |= p.equals(v);
                        if (in) {
                            loop.add(p);
                        }
                    }
                    loop.add(v);
                    errors.add(u, "next = \"" + v + "\" closes a loop (" + String.join(" -> ", loop)
                            + ") that does not go through a switch: loops are only allowed as a switch case that"
                            + " points back; make a step of the loop a switch with a case that leaves it");
                    badEdges.add(List.of(u, v));
                }
            }
        }
        path.removeLast();
        state.put(u, 2);
    }

    /** Every loop must have a way out, or the steps after it could never run. */
    private void checkLoopExits() {
        for (List<String> scc : stronglyConnected()) {
            boolean loop = scc.size() > 1 || targets(scc.get(0)).contains(scc.get(0));
            if (!loop) {
                continue;
            }
            Set<String> members = new HashSet<>(scc);
            boolean exits = scc.stream().anyMatch(s -> targets(s).stream().anyMatch(t -> !members.contains(t)));
            if (!exits) {
                String owner = scc.stream().filter(this::isSwitch).findFirst().orElse(scc.get(0));
                errors.add(owner, "the loop through " + scc + " has no way out, so end can never be reached:"
                        + " give switch " + owner + " a case that leaves the loop");
            }
        }
    }

    /** Tarjan's algorithm over the reachable steps; each component lists its steps in BFS order. */
    private List<List<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String root : reachable) {
            if (!index.containsKey(root)) {
                tarjan(root, index, low, stack, onStack, out, counter);
            }
        }
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < reachable.size(); i++) {
            order.put(reachable.get(i), i);
        }
        for (List<String> c : out) {
            c.sort(Comparator.comparing(order::get));
        }
        return out;
    }

    private void tarjan(String u, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(u, counter[0]);
        low.put(u, counter[0]);
        counter[0]++;
        stack.push(u);
        onStack.add(u);
        for (String v : targets(u)) {
            if (!index.containsKey(v)) {
                tarjan(v, index, low, stack, onStack, out, counter);
                low.put(u, Math.min(low.get(u), low.get(v)));
            } else if (onStack.contains(v)) {
                low.put(u, Math.min(low.get(u), index.get(v)));
            }
        }
        if (low.get(u).equals(index.get(u))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(u));
            out.add(component);
        }
    }

    // ---------------------------------------------------------------- split stacks

    private static SplitKind splitKind(Transition t) {
        if (t instanceof Transition.Branch) {
            return SplitKind.BRANCH;
        }
        if (t instanceof Transition.Foreach) {
            return SplitKind.FOREACH;
        }
        if (t instanceof Transition.Parallel) {
            return SplitKind.PARALLEL;
        }
        return null;
    }

    private void propagate() {
        Deque<String> queue = new ArrayDeque<>();
        stackOf.put("start", List.of());
        queue.add("start");
        while (!queue.isEmpty()) {
            String u = queue.poll();
            List<Frame> stack = stackOf.get(u);
            DeclaredStep from = steps.get(u);
            SplitKind kind = splitKind(from.transition());
            for (String v : targets(u)) {
                List<Frame> base = new ArrayList<>(stack);
                if (kind != null) {
                    base.add(new Frame(u, v, kind));
                }
                DeclaredStep to = steps.get(v);
                List<Frame> entering = base;
                if (to.join()) {
                    entering = enterJoin(u, v, base);
                }
                if (v.equals("end") && !entering.isEmpty()) {
                    for (Frame f : entering) {
                        leaks.computeIfAbsent(f.split(), k -> new LinkedHashMap<>()).putIfAbsent(f.branch(), u);
                    }
                    entering = List.of();
                }
                List<Frame> known = stackOf.get(v);
                if (known == null) {
                    stackOf.put(v, List.copyOf(entering));
                    firstFrom.put(v, u);
                    queue.add(v);
                } else if (!known.equals(entering) && mismatchReported.add(v)) {
                    reportMismatch(v, firstFrom.get(v), known, u, entering);
                }
            }
        }
        reportStackProblems();
    }

    /**
     * Reports the stack problems in graph order, leaving out those that lie after one already reported: once a
     * path carries the wrong splits, every step after it would complain about the same mistake.
     */
    private void reportStackProblems() {
        List<String> order = graphOrder();
        List<String> at = new ArrayList<>(stackProblems.keySet());
        at.sort(Comparator.comparing(order::indexOf));
        for (String v : at) {
            if (tainted.contains(v)) {
                continue;
            }
            errors.add(v, stackProblems.get(v));
            Deque<String> queue = new ArrayDeque<>(List.of(v));
            while (!queue.isEmpty()) {
                String u = queue.poll();
                if (tainted.add(u)) {
                    queue.addAll(targets(u));
                }
            }
        }
    }

    /** The stack after join {@code v} closes the innermost split of {@code base}, arriving from {@code u}. */
    private List<Frame> enterJoin(String u, String v, List<Frame> base) {
        if (base.isEmpty()) {
            if (mismatchReported.add(v)) {
                stackProblems.put(v, "is a join (it takes Inputs) but no split is open when " + u + " goes to it:"
                        + " a join closes a branch, foreach or numParallel split; remove the Inputs parameter"
                        + " or add the split before it");
            }
            return base;
        }
        Frame top = base.get(base.size() - 1);
        if (top.split().equals(u)) {
            switch (top.kind()) {
                case FOREACH -> errors.add(u, "foreach " + u + " goes directly to its own join " + v
                        + ": put at least one step between them, the step that runs once per item");
                case BRANCH -> errors.add(u, "branch " + u + " goes directly to its join " + v
                        + ": every branch needs at least one step of its own; remove " + v + " from next");
                case PARALLEL -> errors.add(u, "numParallel step " + u + " goes directly to the join " + v
                        + ": the gang needs a step of its own, which then goes to the join");
            }
        }
        closedFrames.computeIfAbsent(v, k -> new LinkedHashSet<>()).add(top);
        String previous = closesSplit.putIfAbsent(v, top.split());
        if (previous != null && !previous.equals(top.split()) && mismatchReported.add(v)) {
            confused.add(previous);
            confused.add(top.split());
            stackProblems.put(v, "join " + v + " closes split " + previous + " (coming from " + firstFrom.get(v)
                    + ") and split " + top.split() + " (coming from " + u + "): a join closes the innermost open"
                    + " split only; give " + top.split() + " its own join (nesting mismatch)");
        }
        return base.subList(0, base.size() - 1);
    }

    private void reportMismatch(String v, String u1, List<Frame> s1, String u2, List<Frame> s2) {
        s1.forEach(f -> confused.add(f.split()));
        s2.forEach(f -> confused.add(f.split()));
        for (int i = 0; i < Math.min(s1.size(), s2.size()); i++) {
            Frame a = s1.get(i);
            Frame b = s2.get(i);
            if (a.equals(b)) {
                continue;
            }
            if (a.split().equals(b.split()) && !steps.get(v).join()) {
                stackProblems.put(v, "branches " + a.branch() + " and " + b.branch() + " of split " + a.split()
                        + " meet at " + v + ", which is not a join: make " + v + " a join (add an Inputs<"
                        + flowName + "> parameter) or join the branches before it");
                return;
            }
            break;
        }
        stackProblems.put(v, "is reached from " + u1 + " " + describe(s1) + " and from " + u2 + " " + describe(s2)
                + ": paths can only meet inside the same splits; close each split with its join before the paths"
                + " meet (nesting mismatch)");
    }

    private static String describe(List<Frame> stack) {
        if (stack.isEmpty()) {
            return "outside any split";
        }
        return "inside " + stack.stream()
                .map(f -> (f.kind() == SplitKind.FOREACH ? "foreach " : f.kind() == SplitKind.PARALLEL
                        ? "gang " : "branch " + f.branch() + " of ") + f.split())
                .collect(Collectors.joining(" > "));
    }

    private void checkSplits() {
        boolean broken = reachable.stream().anyMatch(this.broken::contains);
        for (String s : reachable) {
            Transition t = steps.get(s).transition();
            SplitKind kind = splitKind(t);
            if (kind == null || !stackOf.containsKey(s) || confused.contains(s)) {
                continue;
            }
            List<String> joins = closesSplit.entrySet().stream().filter(e -> e.getValue().equals(s))
                    .map(Map.Entry::getKey).sorted(Comparator.comparing(reachable::indexOf)).toList();
            Map<String, String> leaked = new java.util.TreeMap<>(Comparator.comparing(t.targets()::indexOf));
            leaked.putAll(leaks.getOrDefault(s, Map.of()));
            leaked.values().removeIf(tainted::contains);
            if (!leaked.isEmpty()) {
                String what = kind == SplitKind.BRANCH
                        ? "branch" + (leaked.size() > 1 ? "es " : " ") + String.join(", ", leaked.keySet())
                        : kind == SplitKind.FOREACH ? "the foreach tasks" : "the gang";
                errors.add(s, "split " + s + " never reaches a join: " + what + " reach end (from "
                        + String.join(", ", new LinkedHashSet<>(leaked.values())) + ") without one; add a join"
                        + " (a step with an Inputs<" + flowName + "> parameter) where its branches meet");
            } else if (joins.isEmpty() && !broken && !leaks.containsKey(s)) {
                errors.add(s, "split " + s + " never reaches a join: add a join (a step with an Inputs<" + flowName
                        + "> parameter) where its branches meet");
            }
            if (joins.size() > 1) {
                errors.add(s, "split " + s + " is closed by several joins (" + String.join(", ", joins)
                        + "): all its branches must meet at one join");
            } else if (joins.size() == 1 && kind == SplitKind.BRANCH) {
                String join = joins.get(0);
                Set<String> arrived = closedFrames.get(join).stream().filter(f -> f.split().equals(s))
                        .map(Frame::branch).collect(Collectors.toSet());
                List<String> missing = t.targets().stream()
                        .filter(b -> !arrived.contains(b) && !leaked.containsKey(b)).toList();
                if (!missing.isEmpty() && !broken) {
                    errors.add(join, "join " + join + " closes split " + s + ", but its branch"
                            + (missing.size() > 1 ? "es " : " ") + String.join(", ", missing)
                            + " never reach " + join + ": every branch of a split must end at its join");
                }
            }
            if (t instanceof Transition.Parallel p) {
                DeclaredStep worker = steps.get(p.next());
                if (worker != null && !worker.join()) {
                    boolean ok = worker.transition() instanceof Transition.Linear l && steps.containsKey(l.next())
                            && steps.get(l.next()).join();
                    if (!ok) {
                        errors.add(s, "numParallel target " + p.next() + " must go directly to a join"
                                + " (next = a step with an Inputs<" + flowName + "> parameter): the gang's tasks"
                                + " run together and meet right after");
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- result

    private Map<String, StepNode> buildNodes() {
        List<String> order = graphOrder();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
        }
        Map<String, List<String>> inputs = new HashMap<>();
        for (String u : order) {
            for (String v : targets(u)) {
                List<String> in = inputs.computeIfAbsent(v, k -> new ArrayList<>());
                if (!in.contains(u)) {
                    in.add(u);
                }
            }
        }
        Map<String, String> matchingJoin = new HashMap<>();
        closesSplit.forEach((join, split) -> matchingJoin.put(split, join));

        Map<String, StepNode> nodes = new LinkedHashMap<>();
        for (String name : order) {
            DeclaredStep step = steps.get(name);
            List<Frame> stack = stackOf.get(name);
            List<String> in = new ArrayList<>(inputs.getOrDefault(name, List.of()));
            Comparator<String> byPosition = Comparator.comparing(position::get);
            if (step.join()) {
                // after a static branch, parents are listed in the order the branches are declared
                String split = closesSplit.get(name);
                List<String> branches = steps.get(split).transition().targets();
                Map<String, Integer> branchOf = new HashMap<>();
                for (String src : in) {
                    List<Frame> srcStack = new ArrayList<>(stackOf.get(src));
                    if (splitKind(steps.get(src).transition()) != null) {
                        srcStack.add(new Frame(src, name, SplitKind.BRANCH));
                    }
                    branchOf.put(src, branches.indexOf(srcStack.get(srcStack.size() - 1).branch()));
                }
                byPosition = Comparator.comparing((String src) -> branchOf.get(src)).thenComparing(byPosition);
            }
            in.sort(byPosition);
            int foreachDepth = (int) stack.stream().filter(f -> f.kind() == SplitKind.FOREACH).count();
            nodes.put(name, new StepNode(name, step.transition(), step.join(), step.decorators(), in,
                    stack.stream().map(Frame::split).toList(), Optional.ofNullable(matchingJoin.get(name)),
                    Optional.ofNullable(closesSplit.get(name)), foreachDepth));
        }
        return nodes;
    }

    /**
     * Start first, end last, and in between a topological order of the graph without its loop-back edges, ties
     * broken by breadth-first discovery, so that the order is stable and every step comes after its parents.
     */
    private List<String> graphOrder() {
        Map<String, Integer> bfs = new HashMap<>();
        for (int i = 0; i < reachable.size(); i++) {
            bfs.put(reachable.get(i), i);
        }
        Set<List<String>> backEdges = new HashSet<>();
        findBackEdges("start", new HashMap<>(), backEdges);
        Map<String, Integer> indegree = new HashMap<>();
        for (String u : reachable) {
            for (String v : targets(u)) {
                if (!backEdges.contains(List.of(u, v))) {
                    indegree.merge(v, 1, Integer::sum);
                }
            }
        }
        PriorityQueue<String> ready = new PriorityQueue<>(Comparator.comparing(bfs::get));
        ready.add("start");
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String u = ready.poll();
            if (!u.equals("end")) {
                order.add(u);
            }
            for (String v : targets(u)) {
                if (!backEdges.contains(List.of(u, v)) && indegree.merge(v, -1, Integer::sum) == 0) {
                    ready.add(v);
                }
            }
        }
        order.add("end");
        return order;
    }

    private void findBackEdges(String u, Map<String, Integer> state, Set<List<String>> backEdges) {
        state.put(u, 1);
        for (String v : targets(u)) {
            Integer s = state.get(v);
            if (s == null) {
                findBackEdges(v, state, backEdges);
            } else if (s == 1) {
                backEdges.add(List.of(u, v));
            }
        }
        state.put(u, 2);
    }
}
