package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** One case of a switch step: when the condition field's value equals {@link #value()}, go to {@link #step()}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Case {
    /** The value of the condition field, compared with its {@code toString()} (enums: their name). */
    String value();

    /** The step that runs for this value; it may be an earlier step, which makes a loop. */
    String step();
}
