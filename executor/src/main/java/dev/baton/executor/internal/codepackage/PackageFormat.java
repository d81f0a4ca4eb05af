package dev.baton.executor.internal.codepackage;

import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Constants and names shared by the builder and the fetcher. */
final class PackageFormat {
    /** The manifest entry: format line, then one class path entry per line. */
    static final String MANIFEST = "BATON-PACKAGE";
    /** First line of the manifest. */
    static final String FORMAT_LINE = "baton-code-package 1";
    /** Where class path entries live inside the zip. */
    static final String ENTRY_ROOT = "cp/";
    /**
     * Every zip entry's time. A local date-time is written to the DOS time field as is ({@code setTimeLocal}),
     * so the bytes do not depend on the builder's time zone, and no extended-timestamp field is added.
     */
    static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);
    /** The zlib level of deflated entries: fixed, since a different level gives different bytes. */
    static final int LEVEL = 6;

    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

    private PackageFormat() {}

    static boolean isKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /** The package's path in the object store: beside the flow's artifact blobs, named by its key. */
    static String objectPath(String flowName, String key) {
        return flowName + "/data/" + key.substring(0, 2) + "/" + key;
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
