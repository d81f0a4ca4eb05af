package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** What the step needs, wherever it runs (AWS Batch takes it as the job's resource requirements). */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Resources {
    /** vCPUs. */
    double cpu() default 1;

    /** Memory in MiB. */
    int memoryMb() default 4096;

    /** GPUs. */
    int gpu() default 0;
}
