package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Runs the deployed flow on a schedule (EventBridge Scheduler cron expression, e.g. {@code "0 6 * * ? *"}). */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Schedule {
    String cron();

    /** IANA time zone of the cron expression. */
    String timezone() default "UTC";
}
