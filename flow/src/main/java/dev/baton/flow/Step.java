package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method of a {@link FlowSpec} as a step and declares where the flow goes next, so the
 * graph is known without running user code.
 *
 * <ul>
 *   <li>linear: {@code next = "b"}</li>
 *   <li>static branch: {@code next = {"a", "b"}} (the branches meet again at a join)</li>
 *   <li>foreach: {@code next = "body", foreach = "items"}: one task of {@code body} per element of the
 *       field {@code items} (a {@link java.util.Collection}, array or {@link Iterable})</li>
 *   <li>switch: {@code condition = "field", cases = {@Case(value = "x", step = "a"), ...}}: exactly
 *       one case runs; a case may point back to an earlier step (a loop)</li>
 *   <li>gang: {@code next = "worker", numParallel = 4}: four tasks of {@code worker}, index 0..3</li>
 *   <li>{@code end} has no {@code next}</li>
 * </ul>
 * A step that takes one {@link Inputs} parameter is a join.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Step {
    /** The step or steps that follow. Empty only for {@code end} and for a switch. */
    String[] next() default {};

    /** The artifact field whose elements the next step iterates, one task each. */
    String foreach() default "";

    /** For a switch: the artifact field whose value ({@code toString()}) selects a case. */
    String condition() default "";

    /** For a switch: the value to step mapping. */
    Case[] cases() default {};

    /** For a gang: how many tasks of the next step run together; 0 means no gang. */
    int numParallel() default 0;
}
