/**
 * Bytecode enhancement that makes a flow's artifact fields lazy: a field is materialized from the datastore on
 * the first read and marked written on assignment, so a task pays only for the artifacts it touches.
 *
 * <h2>For the executor</h2>
 * <ul>
 *   <li>{@link dev.baton.executor.internal.enhance.FlowClassLoading#load} (flow class name, {@code --classpath}
 *       entries, parent loader) and {@link dev.baton.executor.internal.enhance.FlowClassLoading#enhance} (a flow
 *       class already loaded, e.g. from {@code Baton.main(MyFlow.class)}) return the enhanced class. Give its
 *       class loader to the artifact codec ({@code ArtifactCodec.Builder.classLoader}).</li>
 *   <li>Instantiate the flow, bind the task with {@code FlowSpecAccess.bind(flow, context)}. From then on the
 *       first read of artifact field {@code f} of that instance, from any code (step methods, lambdas, inner,
 *       anonymous and nested classes, records and other classes of the user's code, and another instance's
 *       fields in a join), calls {@code context.beforeRead(flow, "f")} once; the context sets the value with
 *       {@link dev.baton.executor.internal.enhance.FieldAccess#set} (or plain reflection), which is not
 *       intercepted. The first assignment calls {@code context.afterWrite(flow, "f")} once and marks the field
 *       written, so later reads never call {@code beforeRead} and see the new value.</li>
 *   <li>Writes made while no context is bound (constructors, field initializers, anything before
 *       {@code bind}) change no tracking state: a field initializer's value never shadows a stored value.
 *       {@link dev.baton.executor.internal.enhance.EnhancedFlow#$baton$resetTracking} clears the state.</li>
 *   <li>After the step, {@link dev.baton.executor.internal.enhance.FieldAccess#state} says per field whether it
 *       was untouched (pass the parent's key on), loaded (re-serialize: it may have been mutated in place) or
 *       written.</li>
 * </ul>
 *
 * <h2>Not intercepted</h2>
 * Reflection ({@code Field.get/set}, {@code VarHandle}s, {@code MethodHandle}s on the fields), serialization
 * frameworks (Kryo, Jackson) reading the flow object, and {@code javac}-inlined constants ({@code final} fields
 * initialized with a constant expression) bypass the hooks. The executor must go through the hook or through
 * {@link dev.baton.executor.internal.enhance.FieldAccess} (load before a raw read; {@code setLoaded} to
 * materialize eagerly). {@code final} artifact fields are lazily loaded on read, but their (constructor) writes
 * are never tracked.
 *
 * <h2>Threads</h2>
 * The hooks run on whatever thread touches the field (a step may use a parallel stream), so the executor's
 * context must be thread-safe, and {@code beforeRead} idempotent: two threads that read a field for the first
 * time at the same moment may both call it. The tracking byte is deliberately not volatile (it would stop the
 * JIT from hoisting the check out of loops over array artifacts); the load path fences the hook's write before
 * setting the byte, but a thread that first reads a field while another is loading it is not formally ordered
 * by the Java memory model. Reading what a parallel section needs before forking avoids the question.
 *
 * <h2>Which classes are re-defined (child-first, enhanced)</h2>
 * Classes must be defined by the enhancing loader to be enhanced, and classes that share a package must share
 * a loader (package-private access, nestmates), so the loader ({@code FlowClassLoader}) decides, for each class:
 * <ol>
 *   <li>{@code java.*}, the flow API {@code dev.baton.flow.*} and this package's public types always come from the
 *       parent: {@code FlowSpec}, {@code Inputs}, the annotations and {@code EnhancedFlow} must be the executor's
 *       own {@code Class} objects;</li>
 *   <li>the rest of the JDK, SLF4J, ASM and Baton's runtime ({@code dev.baton.*} outside the user packages) come
 *       from the parent when it has them;</li>
 *   <li>every other class in the {@code --classpath} entries is defined by the enhancing loader (the entries
 *       win over the parent, as in an application server);</li>
 *   <li>from the parent's class path (a flow inside the Baton fat jar, or a test), a class is re-defined from its
 *       bytes when it is in a <em>user package</em> (the flow's package and sub-packages, the packages of its
 *       flow superclasses, always {@code dev.baton.examples}), when it is a {@code FlowSpec} subclass, or when
 *       its bytes name a class of a user package (which every class touching an artifact field does); but a
 *       {@code dev.baton.*} class outside the examples is re-defined only when it comes from the same directory
 *       or jar as the flow class, so a test flow in, say, {@code dev.baton.client} never duplicates the runtime;</li>
 *   <li>everything else (libraries) comes from the parent, shared.</li>
 * </ol>
 * A class is only ever considered when the JVM asks the enhancing loader for it, that is when a class it
 * defined refers to it. Limitation: a library class on the parent's class path that does not name a user class
 * but reaches one through a third class resolves that class in the parent (the unenhanced copy).
 */
package dev.baton.executor.internal.enhance;
