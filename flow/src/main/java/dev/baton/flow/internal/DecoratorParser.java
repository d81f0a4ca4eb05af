package dev.baton.flow.internal;

import dev.baton.flow.Batch;
import dev.baton.flow.Catch;
import dev.baton.flow.Environment;
import dev.baton.flow.Resources;
import dev.baton.flow.Retry;
import dev.baton.flow.Timeout;
import dev.baton.flow.graph.StepDecorators;
import dev.baton.flow.graph.StepDecorators.BatchSpec;
import dev.baton.flow.graph.StepDecorators.CatchPolicy;
import dev.baton.flow.graph.StepDecorators.ResourceSpec;
import dev.baton.flow.graph.StepDecorators.RetryPolicy;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Turns a step method's decorator annotations into a {@link StepDecorators} value, reporting bad values. */
final class DecoratorParser {
    /** The method-level decorators; used to find decorators on methods that are not steps. */
    static final List<Class<? extends Annotation>> STEP_DECORATORS =
            List.of(Retry.class, Timeout.class, Catch.class, Resources.class, Batch.class, Environment.class);

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DecoratorParser() {}

    static StepDecorators parse(String step, Method method, ErrorSink errors) {
        Optional<RetryPolicy> retry = Optional.ofNullable(method.getAnnotation(Retry.class)).map(r -> {
            if (r.times() < 1) {
                errors.add(step, "@Retry(times = " + r.times() + ") must allow at least 1 retry;"
                        + " remove @Retry for a step that must not be retried");
            }
            if (r.minutesBetweenRetries() < 0) {
                errors.add(step, "@Retry(minutesBetweenRetries = " + r.minutesBetweenRetries()
                        + ") must not be negative");
            }
            return new RetryPolicy(Math.max(r.times(), 0), Math.max(r.minutesBetweenRetries(), 0));
        });

        Optional<Duration> timeout = Optional.ofNullable(method.getAnnotation(Timeout.class)).map(t -> {
            if (t.seconds() < 0 || t.minutes() < 0 || t.hours() < 0) {
                errors.add(step, "@Timeout(seconds = " + t.seconds() + ", minutes = " + t.minutes() + ", hours = "
                        + t.hours() + ") has a negative value; every part must be zero or more");
            }
            Duration d = Duration.ofSeconds(Math.max(t.seconds(), 0))
                    .plusMinutes(Math.max(t.minutes(), 0))
                    .plusHours(Math.max(t.hours(), 0));
            if (d.isZero()) {
                errors.add(step, "@Timeout needs a positive duration: set seconds, minutes or hours"
                        + " (or remove @Timeout for no limit)");
            }
            return d;
        });

        Optional<CatchPolicy> catchPolicy = Optional.ofNullable(method.getAnnotation(Catch.class))
                .map(c -> new CatchPolicy(c.var(), c.printException()));

        ResourceSpec resources = ResourceSpec.DEFAULT;
        Resources res = method.getAnnotation(Resources.class);
        if (res != null) {
            if (!(res.cpu() > 0)) {
                errors.add(step, "@Resources(cpu = " + res.cpu() + ") must be positive");
            }
            if (res.memoryMb() <= 0) {
                errors.add(step, "@Resources(memoryMb = " + res.memoryMb() + ") must be positive");
            }
            if (res.gpu() < 0) {
                errors.add(step, "@Resources(gpu = " + res.gpu() + ") must not be negative");
            }
            resources = new ResourceSpec(res.cpu(), res.memoryMb(), res.gpu());
        }

        Optional<BatchSpec> batch = Optional.empty();
        Batch b = method.getAnnotation(Batch.class);
        if (b != null) {
            if (b.cpu() < 0) {
                errors.add(step, "@Batch(cpu = " + b.cpu() + ") must not be negative (0 takes @Resources' cpu)");
            }
            if (b.memoryMb() < 0) {
                errors.add(step, "@Batch(memoryMb = " + b.memoryMb()
                        + ") must not be negative (0 takes @Resources' memoryMb)");
            }
            if (b.gpu() < -1) {
                errors.add(step, "@Batch(gpu = " + b.gpu() + ") must be -1 (take @Resources' gpu) or more");
            }
            if (b.sharedMemoryMb() < 0) {
                errors.add(step, "@Batch(sharedMemoryMb = " + b.sharedMemoryMb() + ") must not be negative");
            }
            batch = Optional.of(new BatchSpec(b.queue(), b.image(), b.iamRole(),
                    b.cpu() > 0 ? b.cpu() : resources.cpu(),
                    b.memoryMb() > 0 ? b.memoryMb() : resources.memoryMb(),
                    b.gpu() >= 0 ? b.gpu() : resources.gpu(),
                    Math.max(b.sharedMemoryMb(), 0)));
        }

        Map<String, String> environment = new LinkedHashMap<>();
        Environment env = method.getAnnotation(Environment.class);
        if (env != null) {
            for (String var : env.vars()) {
                int eq = var.indexOf('=');
                String name = eq < 0 ? var : var.substring(0, eq);
                if (eq < 0 || !ENV_NAME.matcher(name).matches()) {
                    errors.add(step, "@Environment entry \"" + var + "\" is not NAME=value with NAME made of letters,"
                            + " digits and underscores");
                    continue;
                }
                if (environment.put(name, var.substring(eq + 1)) != null) {
                    errors.add(step, "@Environment sets " + name + " twice; keep one entry");
                }
            }
        }
        return new StepDecorators(retry, timeout, catchPolicy, resources, batch, environment);
    }
}
