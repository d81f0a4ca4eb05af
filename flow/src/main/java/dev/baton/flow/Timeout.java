package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stops an attempt that runs longer than the sum of the given durations; it fails as a timeout (and may be
 * retried by {@link Retry}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Timeout {
    int seconds() default 0;

    int minutes() default 0;

    int hours() default 0;
}
