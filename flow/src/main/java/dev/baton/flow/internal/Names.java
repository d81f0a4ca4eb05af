package dev.baton.flow.internal;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The naming rules of steps, artifacts and parameter options. */
final class Names {
    /**
     * Step names end up in datastore paths, pathspecs, Step Functions state names and Batch job names, so they
     * are restricted to what all of those accept.
     */
    static final Pattern STEP_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    /** An option name without dashes, kebab case. */
    static final Pattern OPTION_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    /** The in-step API of FlowSpec: a step or artifact with one of these names would shadow or confuse it. */
    static final Set<String> API_NAMES = Set.of("input", "index", "foreachStack", "current", "mergeArtifacts",
            "mergeArtifactsExcept", "mergeArtifactsOnly");

    /**
     * Options of the {@code baton} command line that a flow parameter would collide with (the global options and
     * those of {@code run}/{@code resume}).
     */
    static final Set<String> RESERVED_OPTIONS = Set.of("flow", "classpath", "datastore", "datastore-root",
            "s3-endpoint-url", "foreach-coordinator", "dynamodb-table", "dynamodb-endpoint-url", "verbose", "quiet",
            "help", "version", "max-workers", "isolation", "run-id", "tag", "with", "origin-run-id", "namespace",
            "format");

    private Names() {}

    /** Why {@code name} cannot be a step name, or {@code null} when it can. */
    static String stepNameProblem(String name) {
        String reserved = reservedProblem(name);
        if (reserved != null) {
            return reserved;
        }
        if (!STEP_NAME.matcher(name).matches()) {
            return "'" + name + "' is not a valid step name: use an ASCII letter followed by up to 63 letters, digits"
                    + " or underscores (step names appear in paths, pathspecs and AWS resource names)";
        }
        return null;
    }

    /** Why {@code name} is reserved (for a step or an artifact), or {@code null} when it is not. */
    static String reservedProblem(String name) {
        if (API_NAMES.contains(name)) {
            return "'" + name + "' is reserved by the FlowSpec API (" + String.join(", ", API_NAMES.stream().sorted()
                    .toList()) + "): rename it";
        }
        if (name.startsWith("$") || name.toLowerCase(Locale.ROOT).startsWith("baton")) {
            return "'" + name + "' is reserved: names starting with '$' or 'baton' belong to Baton itself; rename it";
        }
        return null;
    }

    /** {@code learningRate} to {@code learning-rate}, {@code maxURLCount} to {@code max-url-count}. */
    static String kebab(String field) {
        StringBuilder out = new StringBuilder(field.length() + 4);
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '_') {
                if (out.length() > 0 && out.charAt(out.length() - 1) != '-') {
                    out.append('-');
                }
                continue;
            }
            if (Character.isUpperCase(c)) {
                boolean prevLowerOrDigit = i > 0 && (Character.isLowerCase(field.charAt(i - 1))
                        || Character.isDigit(field.charAt(i - 1)));
                boolean acronymEnd = i > 0 && Character.isUpperCase(field.charAt(i - 1)) && i + 1 < field.length()
                        && Character.isLowerCase(field.charAt(i + 1));
                if ((prevLowerOrDigit || acronymEnd) && out.length() > 0 && out.charAt(out.length() - 1) != '-') {
                    out.append('-');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == '-') {
            end--;
        }
        return out.substring(0, end);
    }
}
