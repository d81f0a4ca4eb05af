package dev.baton.cli.internal.run;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A {@link PrintStream} onto the command line's output writer, so that a runtime's console lines reach whoever
 * runs the command line (a terminal, or an in-process caller that captures it). Bytes are passed on at each
 * line end (and flush), where UTF-8 sequences are complete.
 */
final class ConsoleStream {
    private ConsoleStream() {}

    static PrintStream of(PrintWriter writer) {
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                line.write(b);
                if (b == '\n') {
                    flush();
                }
            }

            @Override
            public synchronized void flush() {
                if (line.size() > 0) {
                    writer.write(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                }
                writer.flush();
            }
        };
        return new PrintStream(lines, true, StandardCharsets.UTF_8);
    }
}
