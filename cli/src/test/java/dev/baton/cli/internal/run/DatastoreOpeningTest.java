package dev.baton.cli.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.baton.cli.Main;
import dev.baton.cli.internal.GlobalOptions;
import dev.baton.datastore.DatastoreConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The datastore a task opens: an S3 store without the bucket check, as the parsed command line names it. */
class DatastoreOpeningTest {
    private static final String FLOW = "dev.baton.examples.HelloFlow";

    private static DatastoreConfig parsed(Map<String, String> env, String... args) {
        CommandLine cl = Main.commandLine(null, env);
        cl.parseArgs(args);
        GlobalOptions g = ((Main) cl.getCommand()).globalOptions();
        return DatastoreOpening.configure(g.datastoreConfig(), true);
    }

    @Test
    void aTasksS3StoreSkipsTheBucketCheckOtherStoresAreAsConfigured() {
        DatastoreConfig s3 = new DatastoreConfig("s3", "s3://b/p", Map.of("s3.endpoint", "http://127.0.0.1:9000"));
        assertEquals(new DatastoreConfig("s3", "s3://b/p",
                Map.of("s3.endpoint", "http://127.0.0.1:9000", "s3.checkBucket", "false")),
                DatastoreOpening.configure(s3, true));
        assertSame(s3, DatastoreOpening.configure(s3, false), "a run checks the bucket before it starts");
        DatastoreConfig local = DatastoreConfig.local("/tmp/ds");
        assertSame(local, DatastoreOpening.configure(local, true));
        Map<String, String> env = Map.of("BATON_FLOW", FLOW, "BATON_DATASTORE", "s3",
                "BATON_DATASTORE_ROOT", "s3://env-bucket/root", "BATON_S3_ENDPOINT_URL", "http://127.0.0.1:9000");
        assertEquals(new DatastoreConfig("s3", "s3://arg-bucket/x",
                Map.of("s3.endpoint", "http://127.0.0.1:9000", "s3.checkBucket", "false")),
                parsed(env, "--datastore-root", "s3://arg-bucket/x", "step", "start", "--run-id", "1", "--task-id", "t"));
    }
}
