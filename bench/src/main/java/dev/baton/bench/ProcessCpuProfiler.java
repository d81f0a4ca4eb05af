package dev.baton.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Reports the benchmark process's CPU time (all threads: the caller, worker pools, hashing helpers, GC, JIT) per
 * operation, as {@code ·cpu.ms/op}, next to wall-clock time. On a shared, loaded machine wall-clock time mostly
 * measures the neighbours; CPU time per operation divided by the cores a quiet machine would give is a fairer
 * estimate of what the code needs. Use with {@code -prof dev.baton.bench.ProcessCpuProfiler}.
 */
public final class ProcessCpuProfiler implements InternalProfiler {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long start;

    @Override
    public String getDescription() {
        return "process CPU time per operation (all threads)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        start = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpuNanos = os.getProcessCpuTime() - start;
        long ops = Math.max(1, result.getMetadata().getAllOps());
        return List.of(new ScalarResult("cpu.ms/op", cpuNanos / 1e6 / ops, "ms/op", AggregationPolicy.AVG));
    }
}
