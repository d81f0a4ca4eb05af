package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A run parameter: a field set from the command line ({@code learningRate} is {@code --learning-rate})
 * before {@code start} runs, stored once per run and read-only in every task. The field initializer is the
 * default. Supported types: int, long, double, float, boolean (and boxes), String, enums, and any other
 * type as JSON.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Parameter {
    /** Shown by {@code --help} and in usage errors. */
    String help() default "";

    /** The option name without dashes; empty means the field name in kebab case. */
    String name() default "";

    /** When true, a run without this parameter is a usage error even if the field has an initializer. */
    boolean required() default false;
}
