package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * When the last attempt of the step fails, store the failure in the artifact {@link #var()} (a
 * {@link CaughtException}) and let the flow go on. Not allowed on foreach or switch steps, whose
 * transition depends on the step having succeeded.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Catch {
    /** The artifact that receives the {@link CaughtException}; empty means the failure is not stored. */
    String var() default "";

    /** Print the exception to the task's stderr. */
    boolean printException() default true;
}
