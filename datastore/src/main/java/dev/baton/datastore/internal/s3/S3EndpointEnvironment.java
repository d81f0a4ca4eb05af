package dev.baton.datastore.internal.s3;

import java.util.List;
import java.util.Map;

/**
 * The environment variables that name an S3-compatible endpoint, in the order in which the first one set wins
 * (after the {@code s3.endpoint} setting): Baton's own, then the AWS SDKs' service-specific and global ones.
 *
 * <p>A class of its own, with nothing else to initialise, because a task's start-up asks it on its warm-up thread
 * before anything of the S3 client is loaded.
 */
public final class S3EndpointEnvironment {
    /** Baton's own endpoint variable. */
    public static final String BATON = "BATON_S3_ENDPOINT_URL";
    /** The variables, first match wins. */
    public static final List<String> NAMES = List.of(BATON, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");

    private S3EndpointEnvironment() {}

    /** The first of {@link #NAMES} that {@code env} sets (not blank), or {@code null}. */
    static String firstSet(Map<String, String> env) {
        for (String name : NAMES) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return name;
            }
        }
        return null;
    }

    /**
     * Whether the endpoint is plain {@code http://}: {@code setting} (an {@code s3.endpoint} setting or
     * {@code --s3-endpoint-url}) when given, else the one {@code env} names; false without one (AWS's own endpoint
     * is {@code https}).
     */
    public static boolean plainHttp(String setting, Map<String, String> env) {
        String endpoint = setting;
        if (endpoint == null || endpoint.isBlank()) {
            String name = firstSet(env);
            endpoint = name == null ? null : env.get(name);
        }
        return endpoint != null && endpoint.trim().regionMatches(true, 0, "http://", 0, 7);
    }
}
