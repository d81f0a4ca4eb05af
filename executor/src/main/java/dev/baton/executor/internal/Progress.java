package dev.baton.executor.internal;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress of a local run: on a terminal one line redrawn in place (steps seen, tasks done/running/failed);
 * elsewhere plain lines, one per finished, failed or retried task.
 */
final class Progress {
    private final PrintStream out;
    private final boolean live;
    private final String run;
    private final Set<String> steps = ConcurrentHashMap.newKeySet();
    private int started;
    private int done;
    private int failed;
    private long lastDraw;

    Progress(PrintStream out, boolean live, String run) {
        this.out = out;
        this.live = live;
        this.run = run;
    }

    synchronized void line(String text) {
        if (live) {
            out.print("\r\033[K");
        }
        out.println(text);
        redraw(true);
    }

    synchronized void started(String step) {
        steps.add(step);
        started++;
        redraw(false);
    }

    synchronized void finished(String step, String taskId, boolean ok, int attempt, String why) {
        if (ok) {
            done++;
        } else {
            failed++;
        }
        if (!ok) {
            line("task " + step + "/" + taskId + " FAILED" + (attempt > 0 ? " after " + (attempt + 1) + " attempts" : "")
                    + ": " + why);
        } else if (!live) {
            out.println("task " + step + "/" + taskId + " succeeded" + (attempt > 0 ? " (attempt " + attempt + ")" : ""));
        } else {
            redraw(false);
        }
    }

    synchronized void retry(String step, String taskId, int attempt, String why) {
        started--; // the retry counts as the same task
        line("task " + step + "/" + taskId + " attempt " + attempt + " failed (" + why + "); retrying");
    }

    private void redraw(boolean force) {
        if (!live) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < 50_000_000L) {
            return; // at most 20 redraws a second
        }
        lastDraw = now;
        out.print("\r\033[K" + run + ": " + steps.size() + " steps, tasks " + done + " done, "
                + Math.max(0, started - done - failed) + " running, " + failed + " failed");
        out.flush();
    }

    synchronized void finish() {
        if (live) {
            redraw(true);
            out.println();
        }
    }
}
