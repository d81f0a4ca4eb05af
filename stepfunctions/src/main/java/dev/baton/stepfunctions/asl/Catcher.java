package dev.baton.stepfunctions.asl;

import java.util.List;

/**
 * One {@code Catch} rule of a Task, Map or Parallel state: when the state fails for good (after its retries) with
 * a matching error, the execution goes on at {@code next} instead of failing.
 *
 * @param errorEquals the error names it matches, e.g. {@code States.ALL}
 * @param resultPath where the error output ({@code {"Error": ..., "Cause": ...}}) goes in the state data
 * @param next the state to go to
 */
public record Catcher(List<String> errorEquals, ResultPath resultPath, String next) {
    public Catcher {
        errorEquals = List.copyOf(errorEquals);
    }
}
