package dev.baton.cli.container;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JDK 25 that the image's {@code JAVA_VERSION=25} variant is tested with: system property {@code baton.test.jdk25}
 * (a JDK home), by default Temurin 25 where the build machines have it. The suite itself runs on JDK 17; these tests
 * start task JVMs on JDK 25. A missing JDK fails the test with what to do: it is never skipped silently.
 */
final class Jdk25 {
    static final String PROPERTY = "baton.test.jdk25";
    static final String DEFAULT_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private Jdk25() {}

    /** The {@code bin/java} of the configured JDK 25. */
    static Path java() {
        Path home = Path.of(System.getProperty(PROPERTY, DEFAULT_HOME));
        Path java = home.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            throw new AssertionError("no JDK 25 at " + home + " (" + java + " is not executable): install Temurin 25"
                    + " there or run the tests with -D" + PROPERTY + "=<a JDK 25 home>");
        }
        return java;
    }
}
