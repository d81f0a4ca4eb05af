package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Retries a failing step: each retry is a new attempt of the same task. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Retry {
    /** How many retries after the first attempt (so {@code times + 1} attempts at most). */
    int times() default 3;

    /** Pause between attempts. */
    int minutesBetweenRetries() default 0;
}
