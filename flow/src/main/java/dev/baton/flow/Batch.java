package dev.baton.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the step as an AWS Batch job (with {@code baton run --with batch}, and always on Step Functions).
 * Empty values fall back to the deployment's defaults ({@code BATON_BATCH_QUEUE}, {@code BATON_BATCH_IMAGE},
 * ...); resources here override {@link Resources}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Batch {
    String queue() default "";

    String image() default "";

    /** The job's IAM role ARN (what the step's code may do in AWS). */
    String iamRole() default "";

    /** vCPUs; 0 means take {@link Resources#cpu()}. */
    double cpu() default 0;

    /** MiB; 0 means take {@link Resources#memoryMb()}. */
    int memoryMb() default 0;

    /** GPUs; -1 means take {@link Resources#gpu()}. */
    int gpu() default -1;

    /** Shared memory in MiB for the container, 0 for the default. */
    int sharedMemoryMb() default 0;
}
