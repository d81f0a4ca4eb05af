package dev.baton.flow.internal;

import dev.baton.flow.Case;
import dev.baton.flow.CaughtException;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Project;
import dev.baton.flow.Schedule;
import dev.baton.flow.Step;
import dev.baton.flow.graph.ParameterSpec;
import dev.baton.flow.graph.StepDecorators;
import dev.baton.flow.graph.Transition;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a flow class by reflection: its steps (with their transitions and decorators), artifact fields,
 * parameters and class decorators. Every local problem (one step or one field at a time) is reported here; the
 * structure of the graph as a whole is checked by {@link GraphAnalyzer}.
 */
final class FlowIntrospector {
    private static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /**
     * One step as declared.
     *
     * @param method the method that runs (the most derived override)
     * @param transition how it leaves, or {@code null} when its {@code @Step} is unusable (already reported)
     */
    record DeclaredStep(String name, Method method, Transition transition, boolean join, StepDecorators decorators) {}

    /** Everything found in the class; {@code steps} is sorted by name so that error order is stable. */
    record Introspection(
            String flowName,
            Map<String, DeclaredStep> steps,
            Map<String, Field> artifactFields,
            List<ParameterSpec> parameters,
            Optional<String> schedule,
            String timezone,
            Optional<String> project) {}

    private final Class<? extends FlowSpec> flowClass;
    private final ErrorSink errors;
    private final String flowName;
    /** Every field below FlowSpec by name (artifacts or not), for precise messages. */
    private final Map<String, Field> allFields = new LinkedHashMap<>();
    private final Map<String, Field> artifactFields = new LinkedHashMap<>();

    private FlowIntrospector(Class<? extends FlowSpec> flowClass, ErrorSink errors) {
        this.flowClass = flowClass;
        this.errors = errors;
        this.flowName = flowClass.getSimpleName().isEmpty() ? flowClass.getName() : flowClass.getSimpleName();
    }

    static Introspection inspect(Class<? extends FlowSpec> flowClass, ErrorSink errors) {
        return new FlowIntrospector(flowClass, errors).inspect();
    }

    private Introspection inspect() {
        checkClass();
        collectFields();
        List<ParameterSpec> parameters = collectParameters();
        Map<String, DeclaredStep> steps = collectSteps();

        Optional<String> schedule = Optional.empty();
        String timezone = "UTC";
        Schedule sched = flowClass.getAnnotation(Schedule.class);
        if (sched != null) {
            String cron = sched.cron().trim();
            // EventBridge Scheduler cron has six fields: minutes hours day-of-month month day-of-week year
            if (cron.split("\\s+").length != 6) {
                errors.add(null, "@Schedule(cron = \"" + sched.cron() + "\") of " + flowName + " must have six fields"
                        + " (minutes hours day-of-month month day-of-week year), e.g. \"0 6 * * ? *\"");
            }
            try {
                ZoneId.of(sched.timezone());
            } catch (DateTimeException e) {
                errors.add(null, "@Schedule(timezone = \"" + sched.timezone() + "\") of " + flowName
                        + " is not an IANA time zone such as \"UTC\" or \"Europe/Paris\"");
            }
            schedule = Optional.of(cron);
            timezone = sched.timezone();
        }
        Optional<String> project = Optional.empty();
        Project proj = flowClass.getAnnotation(Project.class);
        if (proj != null) {
            if (!PROJECT_NAME.matcher(proj.name()).matches()) {
                errors.add(null, "@Project(name = \"" + proj.name() + "\") of " + flowName
                        + " must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
            }
            project = Optional.of(proj.name());
        }
        return new Introspection(flowName, steps, artifactFields, parameters, schedule, timezone, project);
    }

    private void checkClass() {
        int mod = flowClass.getModifiers();
        if (flowClass.isAnonymousClass() || flowClass.isLocalClass()
                || (flowClass.isMemberClass() && !Modifier.isStatic(mod))) {
            errors.add(null, "flow class " + flowClass.getName() + " must be a top-level or static nested class:"
                    + " Baton creates it with its no-argument constructor");
        } else if (Modifier.isAbstract(mod)) {
            errors.add(null, "flow class " + flowClass.getName() + " is abstract: only a concrete subclass can run");
        } else {
            try {
                flowClass.getDeclaredConstructor();
            } catch (NoSuchMethodException e) {
                errors.add(null, "flow class " + flowClass.getName() + " needs a no-argument constructor:"
                        + " Baton creates one instance per task");
            }
        }
    }

    /** The classes from {@code flowClass} up to, not including, FlowSpec; most derived first. */
    private List<Class<?>> hierarchy() {
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> c = flowClass; c != null && c != FlowSpec.class && c != Object.class; c = c.getSuperclass()) {
            classes.add(c);
        }
        return classes;
    }

    private void collectFields() {
        List<Class<?>> classes = new ArrayList<>(hierarchy());
        java.util.Collections.reverse(classes); // superclass fields first, as they are laid out
        for (Class<?> c : classes) {
            for (Field f : c.getDeclaredFields()) {
                if (f.isSynthetic()) {
                    continue;
                }
                int mod = f.getModifiers();
                Field previous = allFields.put(f.getName(), f);
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod)) {
                    continue;
                }
                if (previous != null && !Modifier.isStatic(previous.getModifiers())
                        && !Modifier.isTransient(previous.getModifiers())) {
                    errors.add(null, "artifact field '" + f.getName() + "' is declared in both "
                            + previous.getDeclaringClass().getSimpleName() + " and " + c.getSimpleName()
                            + ": an artifact name must be unique in the flow; rename one of them");
                }
                String reserved = Names.reservedProblem(f.getName());
                if (reserved != null) {
                    errors.add(null, "artifact field " + reserved + " (field of " + c.getSimpleName()
                            + "; make it transient if it must not be an artifact)");
                }
                artifactFields.put(f.getName(), f);
            }
        }
    }

    private List<ParameterSpec> collectParameters() {
        List<ParameterSpec> specs = new ArrayList<>();
        Map<String, String> optionOwners = new LinkedHashMap<>();
        Object instance = null;
        boolean instantiated = false;
        for (Field f : allFields.values()) {
            Parameter p = f.getAnnotation(Parameter.class);
            if (p == null) {
                continue;
            }
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || Modifier.isFinal(mod)) {
                errors.add(null, "parameter field '" + f.getName() + "' must not be "
                        + (Modifier.isStatic(mod) ? "static" : Modifier.isTransient(mod) ? "transient" : "final")
                        + ": a parameter is an artifact set before start runs");
                continue;
            }
            String option = p.name().isEmpty() ? Names.kebab(f.getName()) : p.name();
            if (!Names.OPTION_NAME.matcher(option).matches()) {
                errors.add(null, "parameter field '" + f.getName() + "' has option name '" + option
                        + "', which is not kebab case (lowercase letters and digits separated by '-');"
                        + " set @Parameter(name = ...)");
            } else if (Names.RESERVED_OPTIONS.contains(option)) {
                errors.add(null, "parameter field '" + f.getName() + "' would be --" + option
                        + ", an option of the baton command itself; set @Parameter(name = ...) to another name");
            }
            String owner = optionOwners.putIfAbsent(option, f.getName());
            if (owner != null) {
                errors.add(null, "parameters '" + owner + "' and '" + f.getName() + "' both use --" + option
                        + "; give one a different @Parameter(name = ...)");
            }
            if (!instantiated) {
                instantiated = true;
                instance = newInstance();
            }
            Object defaultValue = null;
            if (instance != null) {
                try {
                    f.setAccessible(true);
                    defaultValue = f.get(instance);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    errors.add(null, "cannot read the default of parameter field '" + f.getName() + "': " + e);
                }
            }
            specs.add(new ParameterSpec(f.getName(), option, f.getGenericType(), p.help(),
                    p.required() || defaultValue == null, defaultValue));
        }
        return specs;
    }

    /** A fresh instance for parameter defaults, or {@code null} (with an error) when it cannot be made. */
    private Object newInstance() {
        if (Modifier.isAbstract(flowClass.getModifiers())) {
            return null; // already reported
        }
        try {
            Constructor<? extends FlowSpec> ctor = flowClass.getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (NoSuchMethodException e) {
            return null; // already reported
        } catch (InvocationTargetException e) {
            errors.add(null, "the no-argument constructor of " + flowClass.getName() + " threw " + e.getCause()
                    + " while reading parameter defaults; a flow's constructor and field initializers must not fail");
        } catch (ReflectiveOperationException | RuntimeException e) {
            errors.add(null, "cannot create " + flowClass.getName() + " to read parameter defaults: " + e);
        } catch (ExceptionInInitializerError e) {
            errors.add(null, "the static initializer of " + flowClass.getName() + " threw " + e.getCause()
                    + "; a flow class must load without failing");
        }
        return null;
    }

    private Map<String, DeclaredStep> collectSteps() {
        // signature -> the method that runs (most derived) and the most derived @Step declaring it
        Map<String, Method> runs = new LinkedHashMap<>();
        Map<String, Method> annotated = new LinkedHashMap<>();
        for (Class<?> c : hierarchy()) {
            Method[] methods = c.getDeclaredMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName).thenComparing(Method::toGenericString));
            for (Method m : methods) {
                if (m.isSynthetic() || m.isBridge()) {
                    continue;
                }
                String sig = m.getName() + Arrays.toString(m.getParameterTypes());
                runs.putIfAbsent(sig, m);
                if (m.isAnnotationPresent(Step.class)) {
                    annotated.putIfAbsent(sig, m);
                }
            }
        }
        for (Map.Entry<String, Method> e : runs.entrySet()) {
            Method m = e.getValue();
            if (annotated.containsKey(e.getKey())) {
                continue;
            }
            for (Class<? extends Annotation> deco : DecoratorParser.STEP_DECORATORS) {
                if (m.isAnnotationPresent(deco)) {
                    errors.add(m.getName(), "method " + m.getName() + " has @" + deco.getSimpleName()
                            + " but no @Step: decorators apply to steps only; add @Step or remove the decorator");
                }
            }
        }
        Map<String, List<String>> byName = new TreeMap<>();
        for (String sig : annotated.keySet()) {
            byName.computeIfAbsent(annotated.get(sig).getName(), k -> new ArrayList<>()).add(sig);
        }
        Map<String, DeclaredStep> steps = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : byName.entrySet()) {
            String name = e.getKey();
            List<String> sigs = e.getValue();
            if (sigs.size() > 1) {
                errors.add(name, "step '" + name + "' is declared " + sigs.size() + " times ("
                        + sigs.stream().map(s -> describe(runs.get(s))).collect(Collectors.joining(", "))
                        + "): step names must be unique; rename or remove all but one");
            }
            String nameProblem = Names.stepNameProblem(name);
            if (nameProblem != null) {
                errors.add(name, nameProblem);
            }
            String sig = sigs.get(0);
            Method method = runs.get(sig);
            Method decl = annotated.get(sig);
            boolean join = checkSignature(name, method);
            Step step = decl.getAnnotation(Step.class);
            Transition transition = parseTransition(name, step);
            StepDecorators decorators = DecoratorParser.parse(name, decl, errors);
            checkStepFields(name, transition, decorators);
            steps.put(name, new DeclaredStep(name, method, transition, join, decorators));
        }
        return steps;
    }

    private static String describe(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** Reports a wrong step method signature; returns whether the step is a join. */
    private boolean checkSignature(String name, Method m) {
        int mod = m.getModifiers();
        if (!Modifier.isPublic(mod)) {
            errors.add(name, "step method " + describe(m) + " must be public");
        }
        if (Modifier.isStatic(mod)) {
            errors.add(name, "step method " + describe(m) + " must not be static: a step runs on a flow instance");
        }
        if (m.getReturnType() != void.class) {
            errors.add(name, "step method " + describe(m) + " must return void, not "
                    + m.getReturnType().getSimpleName() + ": steps pass data on through artifact fields");
        }
        Class<?>[] params = m.getParameterTypes();
        boolean takesInputs = Arrays.stream(params).anyMatch(p -> p == Inputs.class);
        if (params.length == 0) {
            return false;
        }
        if (params.length == 1 && takesInputs) {
            Type type = m.getGenericParameterTypes()[0];
            if (type instanceof ParameterizedType pt && pt.getActualTypeArguments()[0] instanceof Class<?> arg
                    && !arg.isAssignableFrom(flowClass)) {
                errors.add(name, "join " + name + " takes Inputs<" + arg.getSimpleName() + ">, but the flow is "
                        + flowName + ": declare Inputs<" + flowName + ">");
            }
            if (name.equals("start")) {
                errors.add(name, "start cannot be a join (nothing comes before it): remove its Inputs parameter");
            }
            return true;
        }
        if (takesInputs) {
            errors.add(name, "join " + describe(m) + " must take exactly one parameter, Inputs<" + flowName
                    + ">; remove the others");
        } else {
            errors.add(name, "step method " + describe(m) + " must take no parameters (or exactly one Inputs<"
                    + flowName + "> for a join); read artifact fields instead");
        }
        return takesInputs;
    }

    /** The transition declared by {@code @Step}, or {@code null} when it is unusable (reported). */
    private Transition parseTransition(String name, Step step) {
        String[] next = step.next();
        boolean isSwitch = !step.condition().isEmpty() || step.cases().length > 0;
        if (name.equals("end")) {
            if (next.length > 0 || isSwitch || !step.foreach().isEmpty() || step.numParallel() != 0) {
                errors.add(name, "end must not declare next, foreach, condition, cases or numParallel:"
                        + " it is the last step of the flow");
            }
            return new Transition.End();
        }
        if (step.numParallel() < 0) {
            errors.add(name, "numParallel = " + step.numParallel() + " must be positive (or 0 for no gang)");
        }
        if (isSwitch) {
            boolean ok = true;
            if (next.length > 0) {
                errors.add(name, "declares both next and cases: a switch goes only to its cases; remove next");
                ok = false;
            }
            if (!step.foreach().isEmpty() || step.numParallel() != 0) {
                errors.add(name, "a switch cannot also be a foreach or a gang: move the foreach/numParallel"
                        + " to a step of its own");
                ok = false;
            }
            if (step.condition().isEmpty()) {
                errors.add(name, "declares cases but no condition: name the field whose value selects the case"
                        + " with condition = \"...\"");
                ok = false;
            }
            if (step.cases().length < 2) {
                errors.add(name, "a switch needs at least two cases, found " + step.cases().length
                        + ": use next = \"...\" for a single successor");
                ok = false;
            }
            Map<String, String> cases = new LinkedHashMap<>();
            for (Case c : step.cases()) {
                if (c.step().isEmpty()) {
                    errors.add(name, "case \"" + c.value() + "\" names no step: set @Case(step = ...)");
                    ok = false;
                    continue;
                }
                if (cases.putIfAbsent(c.value(), c.step()) != null) {
                    errors.add(name, "case value \"" + c.value() + "\" appears twice (steps " + cases.get(c.value())
                            + " and " + c.step() + "): each value must select exactly one step");
                }
            }
            return ok ? new Transition.Switch(step.condition(), cases) : null;
        }
        if (next.length == 0) {
            errors.add(name, "has no next step: every step but end must say where the flow goes"
                    + " (next = \"...\", or condition and cases for a switch)");
            return null;
        }
        Set<String> seen = new HashSet<>();
        for (String n : next) {
            if (n.isEmpty()) {
                errors.add(name, "next contains an empty step name");
                return null;
            }
            if (!seen.add(n)) {
                errors.add(name, "next lists '" + n + "' twice: a branch goes to distinct steps");
                return null;
            }
        }
        if (!step.foreach().isEmpty()) {
            if (step.numParallel() > 0) {
                errors.add(name, "declares both foreach and numParallel: a step fans out one way; split them"
                        + " into two steps");
                return null;
            }
            if (next.length != 1) {
                errors.add(name, "a foreach fans out to exactly one step, but next lists " + next.length
                        + " (" + String.join(", ", next) + "): a foreach cannot also branch");
                return null;
            }
            return new Transition.Foreach(next[0], step.foreach());
        }
        if (step.numParallel() > 0) {
            if (next.length != 1) {
                errors.add(name, "a gang (numParallel) runs exactly one step, but next lists " + next.length);
                return null;
            }
            return new Transition.Parallel(next[0], step.numParallel());
        }
        if (step.numParallel() < 0) {
            return null;
        }
        return next.length == 1 ? new Transition.Linear(next[0]) : new Transition.Branch(List.of(next));
    }

    /** Checks the fields that a step's foreach, switch or @Catch names. */
    private void checkStepFields(String name, Transition transition, StepDecorators decorators) {
        if (transition instanceof Transition.Foreach f) {
            Field field = artifactField(name, f.field(), "foreach");
            if (field != null) {
                Class<?> t = field.getType();
                if (!(t.isArray() || Iterable.class.isAssignableFrom(t) || t == Object.class)) {
                    errors.add(name, "foreach field '" + f.field() + "' is a " + t.getSimpleName()
                            + ": a foreach iterates a Collection, another Iterable or an array");
                }
            }
        } else if (transition instanceof Transition.Switch s) {
            Field field = artifactField(name, s.field(), "condition");
            if (field != null) {
                Set<String> allowed = null;
                Class<?> t = field.getType();
                if (t.isEnum()) {
                    allowed = Arrays.stream(t.getEnumConstants()).map(c -> ((Enum<?>) c).name())
                            .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
                } else if (t == boolean.class || t == Boolean.class) {
                    allowed = Set.of("true", "false");
                }
                if (allowed != null) {
                    for (String value : s.cases().keySet()) {
                        if (!allowed.contains(value)) {
                            errors.add(name, "case \"" + value + "\" can never match: condition field '" + s.field()
                                    + "' is a " + t.getSimpleName() + " whose values are " + allowed);
                        }
                    }
                }
            }
        }
        decorators.catchPolicy().ifPresent(c -> {
            if (transition instanceof Transition.Foreach || transition instanceof Transition.Switch) {
                errors.add(name, "@Catch is not allowed on a " + (transition instanceof Transition.Foreach
                        ? "foreach" : "switch") + " step: where the flow goes depends on the step succeeding;"
                        + " move the risky code to a step before it");
            }
            if (!c.var().isEmpty()) {
                Field field = artifactField(name, c.var(), "@Catch(var)");
                if (field != null && !field.getType().isAssignableFrom(CaughtException.class)) {
                    errors.add(name, "@Catch(var = \"" + c.var() + "\") names a " + field.getType().getSimpleName()
                            + " field; declare it as CaughtException");
                }
            }
        });
    }

    /** The artifact field {@code field} named by {@code what} of step {@code step}, or null (reported). */
    private Field artifactField(String step, String field, String what) {
        Field f = artifactFields.get(field);
        if (f != null) {
            return f;
        }
        Field other = allFields.get(field);
        if (other != null) {
            errors.add(step, what + " names field '" + field + "', which is "
                    + (Modifier.isStatic(other.getModifiers()) ? "static" : "transient")
                    + " and so not an artifact; remove the modifier");
        } else {
            errors.add(step, what + " names field '" + field + "', which " + flowName + " does not declare;"
                    + " declare it or fix the name (artifact fields: " + artifactFields.keySet() + ")");
        }
        return null;
    }
}
