package dev.baton.stepfunctions.asl;

/**
 * A state's {@code ResultPath}: where its result goes in the state data, or nowhere ({@code "ResultPath": null},
 * the input passes through unchanged).
 *
 * @param path a reference path such as {@code $.last}, or null to discard the result
 */
public record ResultPath(String path) {
    /** {@code "ResultPath": null}. */
    public static ResultPath discard() {
        return new ResultPath(null);
    }

    /** {@code "ResultPath": path}. */
    public static ResultPath to(String path) {
        return new ResultPath(java.util.Objects.requireNonNull(path, "path"));
    }

    public boolean discards() {
        return path == null;
    }
}
