package dev.baton.executor.internal.enhance;

import dev.baton.executor.internal.enhance.fixtures.LoopFlow;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.internal.FlowSpecAccess;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Not a test: a quick timing of enhanced vs plain artifact field access for the report (speed belongs in
 * benchmarks, not in unit tests). Run from the module with the test class path, e.g.
 * {@code java -cp target/test-classes:target/classes:<deps> dev.baton.executor.internal.enhance.EnhancedReadTiming}.
 */
public final class EnhancedReadTiming {
    private EnhancedReadTiming() {}

    public static void main(String[] args) throws Throwable {
        // cold: what a fresh `baton step` process pays once (ASM classes loading included)
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long c0 = System.nanoTime();
        Class<? extends FlowSpec> lazy = FlowClassLoading.enhance(
                dev.baton.executor.internal.enhance.fixtures.LazyFlow.class);
        Reflect.newFlow(lazy);
        long c1 = System.nanoTime();
        long cpu1 = threads.getCurrentThreadCpuTime();
        Class<? extends FlowSpec> plain = LoopFlow.class;
        Class<? extends FlowSpec> enhanced = FlowClassLoading.enhance(LoopFlow.class);
        long c2 = System.nanoTime();
        System.out.printf("first enhance (LazyFlow + superclass, cold JVM): %.1f ms wall, %.1f ms CPU;"
                + " next (LoopFlow): %.1f ms wall%n", (c1 - c0) / 1e6, (cpu1 - cpu0) / 1e6, (c2 - c1) / 1e6);
        int instances = 1_000;
        int rounds = 100_000;
        for (String kind : new String[] {"sumOne", "sumMany", "writeMany", "sumArray"}) {
            for (Class<? extends FlowSpec> c : java.util.List.of(plain, enhanced)) {
                FlowSpec[] flows = new FlowSpec[instances];
                RecordingContext shared = new RecordingContext(); // one context: same heap layout as the plain run
                for (int i = 0; i < instances; i++) {
                    flows[i] = c.getDeclaredConstructor().newInstance();
                    if (c == enhanced) {
                        FlowSpecAccess.bind(flows[i], shared);
                        FieldAccess.of(c).setLoaded(flows[i], "value", 3L); // steady state: already loaded
                        FieldAccess.of(c).setLoaded(flows[i], "data", FieldAccess.of(c).get(flows[i], "data"));
                    }
                }
                MethodHandle mh = handle(c, kind);
                long ops = kind.equals("sumArray") ? 10_000L * rounds / 10 : (long) instances * rounds;
                double[] nsPerOp = new double[10];
                for (int i = 0; i < nsPerOp.length; i++) {
                    long t0 = System.nanoTime();
                    long r = kind.equals("sumOne") ? (long) mh.invokeExact(flows[0], (int) ops)
                            : kind.equals("sumArray") ? (long) mh.invokeExact(flows[0], rounds / 10)
                            : (long) mh.invokeExact(flows, rounds);
                    nsPerOp[i] = (System.nanoTime() - t0) / (double) ops;
                    if (r == 42) {
                        System.out.print(""); // keep r alive
                    }
                }
                double[] measured = Arrays.copyOfRange(nsPerOp, 5, 10); // first 5: warm-up
                Arrays.sort(measured);
                System.out.printf("%-9s %-8s median %.3f ns/access (min %.3f)%n", kind,
                        c == plain ? "plain" : "enhanced", measured[2], measured[0]);
            }
        }
    }

    private static MethodHandle handle(Class<?> c, String kind) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        if (kind.equals("sumArray")) {
            return lookup.findStatic(c, kind, MethodType.methodType(long.class, FlowSpec.class, int.class));
        }
        if (kind.equals("sumOne")) {
            return lookup.findStatic(c, kind, MethodType.methodType(long.class, c, int.class))
                    .asType(MethodType.methodType(long.class, FlowSpec.class, int.class));
        }
        return lookup.findStatic(c, kind, MethodType.methodType(long.class, FlowSpec[].class, int.class));
    }
}
