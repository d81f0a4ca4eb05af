package dev.baton.coordinator.internal;

import java.nio.charset.StandardCharsets;

/** Argument checks shared by every implementation, so that both behave the same on bad input. */
final class Checks {
    /**
     * The longest pathspec accepted, in UTF-8 bytes. It bounds the size of a DynamoDB registration shard
     * ({@value dev.baton.coordinator.DynamoDbSchema#REGISTRATION_SHARD_SIZE} entries must stay under the 400 KB item limit); real
     * pathspecs ({@code Flow/run/step/task}) are a few dozen bytes.
     */
    static final int MAX_PATHSPEC_BYTES = 1024;

    private Checks() {}

    static String pathspec(String what, String pathspec) {
        if (pathspec == null || pathspec.isBlank()) {
            throw new IllegalArgumentException(what + " must be a non-blank pathspec Flow/run/step/task");
        }
        if (pathspec.getBytes(StandardCharsets.UTF_8).length > MAX_PATHSPEC_BYTES) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_PATHSPEC_BYTES + " bytes: "
                    + pathspec.substring(0, 80) + "...");
        }
        return pathspec;
    }

    static int cardinality(String splitPathspec, int cardinality) {
        if (cardinality < 0) {
            throw new IllegalArgumentException("foreach split " + splitPathspec
                    + ": cardinality must be >= 0, got " + cardinality);
        }
        return cardinality;
    }

    static int index(String splitPathspec, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("foreach split " + splitPathspec
                    + ": a branch index must be >= 0, got " + index);
        }
        return index;
    }

    static String step(String switchPathspec, String chosenStep) {
        if (chosenStep == null || chosenStep.isBlank()) {
            throw new IllegalArgumentException("switch " + switchPathspec + ": the chosen step must be non-blank");
        }
        return chosenStep;
    }
}
