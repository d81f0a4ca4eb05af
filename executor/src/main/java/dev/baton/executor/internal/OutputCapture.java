package dev.baton.executor.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures a task's {@code System.out} and {@code System.err} while still showing them live.
 *
 * <p>In thread isolation many tasks share one JVM and so one {@code System.out}. {@link #install()} replaces both
 * streams, once, with streams that route every write by an {@link InheritableThreadLocal}: the task's step thread
 * (and any thread it starts, which inherits the value) writes into its task's {@link Sink}; every other thread
 * writes to the original stream. Threads the step did not start itself (the common fork-join pool behind
 * parallel streams, a pool created before the task) are not attributed to it: their output goes to the console
 * only. A process-isolated task has the JVM to itself, so there the routing is exact.
 */
public final class OutputCapture {
    private static final InheritableThreadLocal<Sink> CURRENT = new InheritableThreadLocal<>();
    private static final int MAX_CAPTURE = 32 << 20;
    private static PrintStream originalOut;
    private static PrintStream originalErr;

    private OutputCapture() {}

    /** Installs the routing streams (idempotent). */
    public static synchronized void install() {
        if (originalOut != null) {
            return;
        }
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(new Router(false), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Router(true), true, StandardCharsets.UTF_8));
    }

    /** The console's stdout, bypassing capture. */
    public static synchronized PrintStream console() {
        return originalOut != null ? originalOut : System.out;
    }

    /** The console's stderr, bypassing capture. */
    public static synchronized PrintStream consoleErr() {
        return originalErr != null ? originalErr : System.err;
    }

    /** Routes the calling thread (and threads it starts from now on) into {@code sink}; null to stop. */
    static void bind(Sink sink) {
        CURRENT.set(sink);
    }

    /**
     * A task's captured output.
     */
    static final class Sink {
        private final String prefix;
        private final Capture out = new Capture(false);
        private final Capture err = new Capture(true);

        /** @param prefix prepended to each live line (e.g. {@code [start/1] }), or empty for none */
        Sink(String prefix) {
            this.prefix = prefix;
        }

        byte[] stdout() {
            return out.bytes();
        }

        byte[] stderr() {
            return err.bytes();
        }

        /** Writes what is left of a partial last line to the console. */
        void flush() {
            out.flushLine();
            err.flushLine();
        }

        private final class Capture {
            private final boolean isErr;
            private final ByteArrayOutputStream all = new ByteArrayOutputStream();
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();
            private boolean truncated;

            Capture(boolean isErr) {
                this.isErr = isErr;
            }

            synchronized void write(byte[] b, int off, int len) {
                if (all.size() + len <= MAX_CAPTURE) {
                    all.write(b, off, len);
                } else if (!truncated) {
                    truncated = true;
                    byte[] note = ("\n[baton: output truncated after " + (MAX_CAPTURE >> 20) + " MiB]\n")
                            .getBytes(StandardCharsets.UTF_8);
                    all.write(note, 0, note.length);
                }
                PrintStream console = isErr ? consoleErr() : console();
                if (prefix.isEmpty()) {
                    console.write(b, off, len);
                    return;
                }
                for (int i = off; i < off + len; i++) {
                    line.write(b[i]);
                    if (b[i] == '\n') {
                        emit(console);
                    }
                }
            }

            private void emit(PrintStream console) {
                synchronized (console) {
                    console.print(prefix);
                    console.write(line.toByteArray(), 0, line.size());
                    console.flush();
                }
                line.reset();
            }

            synchronized void flushLine() {
                if (line.size() > 0) {
                    line.write('\n');
                    emit(isErr ? consoleErr() : console());
                }
            }

            synchronized byte[] bytes() {
                return all.toByteArray();
            }
        }
    }

    private static final class Router extends OutputStream {
        private final boolean isErr;

        Router(boolean isErr) {
            this.isErr = isErr;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Sink sink = CURRENT.get();
            if (sink != null) {
                (isErr ? sink.err : sink.out).write(b, off, len);
            } else {
                (isErr ? originalErr : originalOut).write(b, off, len);
            }
        }

        @Override
        public void flush() {
            (isErr ? originalErr : originalOut).flush();
        }
    }
}
