package dev.baton.stepfunctions;

import java.net.URI;
import java.util.Optional;

/**
 * How the deployer reaches AWS.
 *
 * @param region the region, else the SDK's chain ({@code AWS_REGION}, the profile, ...)
 * @param endpoint one endpoint for Step Functions, Batch and EventBridge Scheduler (tests, proxies), else AWS's
 */
public record AwsSettings(Optional<String> region, Optional<URI> endpoint) {
    /** The SDK's defaults. */
    public static AwsSettings defaults() {
        return new AwsSettings(Optional.empty(), Optional.empty());
    }
}
