package dev.baton.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link DatastoreBenchmark}'s benchmarks in a JVM started the way Baton starts a task's JVM: the serial collector
 * and the JIT flags of the {@code baton} launcher and {@code FlowSession.TASK_JIT_OPTIONS}, with the
 * same 4 GiB heap as the G1 figures of {@link DatastoreBenchmark} (JMH's default collector). This is the
 * production-representative line; the G1 one stays for comparison. Steady state only: the first load in a fresh
 * JVM, which is what one task does, is {@link DatastoreFirstLoadBenchmark}.
 */
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+UseSerialGC", "-XX:Tier4InvocationThreshold=50000",
        "-XX:Tier4MinInvocationThreshold=50000", "-XX:Tier4CompileThreshold=150000",
        "-XX:Tier4BackEdgeThreshold=400000", "-XX:CompileCommand=quiet",
        "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.001",
        "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.001"})
public class DatastoreTaskJvmBenchmark extends DatastoreBenchmark {}
