package dev.baton.cli.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a process warms up on a spare thread, and for which datastore (the warm-up itself: ContainerEntrypointTest). */
class StartupWarmupTest {

    @Test
    void onlyATaskProcessWarmsUp() {
        assertTrue(StartupWarmup.runsTask(new String[] {"--flow", "a.B", "step", "start", "--run-id", "1"}));
        assertTrue(StartupWarmup.runsTask(new String[] {"step", "end"}));
        assertFalse(StartupWarmup.runsTask(new String[] {"run", "--max-workers", "2"}));
        assertFalse(StartupWarmup.runsTask(new String[] {"step-functions", "create"}));
        assertFalse(StartupWarmup.runsTask(new String[0]));
    }

    @Test
    void theTlsSetUpIsWarmedOnlyForAnS3Datastore() {
        assertTrue(StartupWarmup.s3Datastore(new String[] {"step"}, Map.of("BATON_DATASTORE", "s3")));
        assertTrue(StartupWarmup.s3Datastore(new String[] {"--datastore", "S3", "step"}, Map.of()));
        assertTrue(StartupWarmup.s3Datastore(new String[] {"--datastore=s3", "step"}, Map.of("BATON_DATASTORE", "local")));
        // the option wins over the environment, as in the command line itself
        assertFalse(StartupWarmup.s3Datastore(new String[] {"--datastore", "local", "step"},
                Map.of("BATON_DATASTORE", "s3")));
        assertFalse(StartupWarmup.s3Datastore(new String[] {"step"}, Map.of()));
    }

    @Test
    void thereIsNoTlsSetUpToWarmForAPlainHttpEndpoint() {
        assertTrue(StartupWarmup.plainHttpEndpoint(new String[] {"step"},
                Map.of("BATON_S3_ENDPOINT_URL", "http://127.0.0.1:9000")));
        assertTrue(StartupWarmup.plainHttpEndpoint(new String[] {"step"},
                Map.of("AWS_ENDPOINT_URL_S3", " HTTP://minio:9000 ")));
        assertTrue(StartupWarmup.plainHttpEndpoint(new String[] {"--s3-endpoint-url", "http://minio:9000", "step"},
                Map.of()));
        assertTrue(StartupWarmup.plainHttpEndpoint(new String[] {"--s3-endpoint-url=http://minio:9000", "step"},
                Map.of("BATON_S3_ENDPOINT_URL", "https://s3.example.com")));
        // Baton's own variable first, then the SDK's service-specific one, then the global one
        assertFalse(StartupWarmup.plainHttpEndpoint(new String[] {"step"},
                Map.of("BATON_S3_ENDPOINT_URL", "https://s3.example.com", "AWS_ENDPOINT_URL", "http://minio:9000")));
        assertFalse(StartupWarmup.plainHttpEndpoint(new String[] {"--s3-endpoint-url", "https://s3.example.com",
                "step"}, Map.of("BATON_S3_ENDPOINT_URL", "http://minio:9000")));
        assertFalse(StartupWarmup.plainHttpEndpoint(new String[] {"step"}, Map.of())); // AWS's own endpoint
    }

    @Test
    void theTlsWarmUpLoadsTheTrustAnchors() throws Exception {
        StartupWarmup.warmUpTls(); // what CdsTraining's TLS run records; throws if the JDK has no trust store
    }

    @Test
    void theS3RequestWarmUpWorksWithoutAnEndpointOrCredentials() {
        // pure computation: no endpoint, region or credentials are configured here, and nothing listens
        StartupWarmup.warmUpS3Requests();
    }

    @Test
    void theSwitchTurnsItOff() {
        assertTrue(StartupWarmup.enabled(Map.of()));
        assertTrue(StartupWarmup.enabled(Map.of(StartupWarmup.ENV_SWITCH, "true")));
        assertFalse(StartupWarmup.enabled(Map.of(StartupWarmup.ENV_SWITCH, "false")));
        assertFalse(StartupWarmup.enabled(Map.of(StartupWarmup.ENV_SWITCH, " FALSE ")));
    }
}
