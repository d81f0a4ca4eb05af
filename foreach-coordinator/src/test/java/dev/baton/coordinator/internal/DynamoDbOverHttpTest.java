package dev.baton.coordinator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.coordinator.CoordinatorException;
import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.IncompleteJoinException;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.flow.ConfigurationException;
import dev.baton.testsupport.DynamoDbLocalServer;
import dev.baton.coordinator.internal.FaultProxy.Fault.Error;
import dev.baton.flow.TransientFailureException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.OptionalInt;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DynamoDB coordinator over HTTP against DynamoDB Local's server on a loopback port, as end-to-end runs use it:
 * the coordinator builds its own client ({@link ForeachCoordinators#dynamoDb(DynamoDbConfig)}) with the production
 * retry strategy, a child JVM reaches the same table from its environment alone, and a fault-injecting proxy
 * produces the throttling and access errors DynamoDB Local never sends. The whole behavioural contract runs
 * against the same server embedded ({@link DynamoDbForeachCoordinatorTest}); here the contract's concurrency,
 * conflict and early-join cases run again over the wire.
 */
class DynamoDbOverHttpTest {
    static final String TABLE = "baton-coordinator-http";
    static DynamoDbLocalServer ddb;
    static ForeachCoordinator coordinator;
    static ForeachCoordinator another;
    static final Map<String, String> savedProperties = new HashMap<>();

    @BeforeAll
    static void start() {
        ddb = DynamoDbLocalServer.startServer();
        // the coordinator's own client takes credentials from the SDK's default chain, as in production;
        // system properties are the part of that chain a test can set without touching the environment
        setProperty("aws.accessKeyId", DynamoDbLocalServer.ACCESS_KEY);
        setProperty("aws.secretAccessKey", DynamoDbLocalServer.SECRET_KEY);
        DynamoDbConfig config = DynamoDbConfig.of(TABLE).withEndpoint(ddb.endpoint()).withRegion("us-east-1");
        assertTrue(ForeachCoordinators.createDynamoDbTable(config));
        coordinator = ForeachCoordinators.dynamoDb(config);
        another = ForeachCoordinators.dynamoDb(config);
    }

    private static void setProperty(String name, String value) {
        savedProperties.put(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) {
            coordinator.close();
            another.close();
        }
        savedProperties.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
        if (ddb != null) {
            ddb.close();
        }
    }

    private String run;

    @BeforeEach
    void freshRun() {
        run = "HttpFlow/" + UUID.randomUUID();
    }

    private String split() {
        return run + "/start/1";
    }

    private String task(int index) {
        return run + "/body/" + (1000 + index);
    }

    @Test
    void twoHundredConcurrentRegistrationsOverHttpGiveAnExactCount() throws Exception {
        int n = 200;
        coordinator.recordSplit(split(), n);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    go.await();
                    (index % 2 == 0 ? coordinator : another).registerBranch(split(), index, task(index));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), coordinator.joinInputs(split()));
    }

    @Test
    void aConflictingCardinalityOverHttpNamesTheRecordedOne() {
        coordinator.recordSplit(split(), 5);
        coordinator.recordSplit(split(), 5);
        CoordinatorException e = assertThrows(CoordinatorException.class, () -> another.recordSplit(split(), 6));
        assertTrue(e.getMessage().contains("cardinality 5") && e.getMessage().contains("produced 6"), e.getMessage());
    }

    @Test
    void anEarlyJoinOverHttpFailsNamingTheMissingIndicesThenSucceeds() {
        coordinator.recordSplit(split(), 3);
        coordinator.registerBranch(split(), 2, task(2));
        IncompleteJoinException e = assertThrows(IncompleteJoinException.class, () -> another.joinInputs(split()));
        assertEquals(List.of(0, 1), e.missing());
        coordinator.registerBranch(split(), 0, task(0));
        coordinator.registerBranch(split(), 1, task(1));
        assertEquals(List.of(task(0), task(1), task(2)), another.joinInputs(split()));
    }

    @Test
    void aChildProcessConfiguredByItsEnvironmentRegistersInTheSameTable() throws Exception {
        int n = 60;
        coordinator.recordSplit(split(), n);
        Process child = RegisterBranches.start(List.of("dynamodb", TABLE, split(), "0", "40", task(0)),
                ddb.environment());
        for (int i = 30; i < n; i++) {
            coordinator.registerBranch(split(), i, task(i));
        }
        RegisterBranches.awaitSuccess(child);
        assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), another.joinInputs(split()));
    }

    @Test
    void aMissingTableOverHttpNamesTheTableAndTheCommand() {
        DynamoDbConfig config = DynamoDbConfig.of("absent-table").withEndpoint(ddb.endpoint()).withRegion("us-east-1");
        try (ForeachCoordinator missing = ForeachCoordinators.dynamoDb(config)) {
            ConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                    () -> missing.recordSplit(split(), 1));
            assertTrue(e.getMessage().contains("'absent-table'") && e.getMessage().contains(ddb.endpoint().toString())
                    && e.getMessage().contains("baton foreach-coordinator create-table"), e.getMessage());
        }
    }

    /** The production client's strategy with millisecond delays, so that ten attempts take no time. */
    private static DynamoDbClients.Resolved fastRetryingClient(FaultProxy proxy) {
        return DynamoDbClients.create(DynamoDbConfig.of(TABLE).withEndpoint(proxy.endpoint()).withRegion("us-east-1"),
                name -> null, DynamoDbClients.retryStrategy(Duration.ofMillis(1), Duration.ofMillis(5),
                        Duration.ofMillis(2), Duration.ofMillis(10)));
    }

    private static ForeachCoordinator through(FaultProxy proxy) {
        DynamoDbClients.Resolved client = fastRetryingClient(proxy);
        return new DynamoDbForeachCoordinator(client.client(), true, DynamoDbConfig.of(TABLE), client.where(),
                Clock.systemUTC());
    }

    @Test
    void throttlingAndServerErrorsAreRetriedUntilTheWriteSucceeds() throws Exception {
        try (FaultProxy proxy = new FaultProxy(ddb.endpoint());
                ForeachCoordinator c = through(proxy)) {
            proxy.fail(new Error(400, "ProvisionedThroughputExceededException"), new Error(400, "ThrottlingException"),
                    new Error(503, "ServiceUnavailable"), new Error(500, "InternalServerError"));
            c.recordSplit(split(), 3);
            assertEquals(List.of("UpdateItem", "UpdateItem", "UpdateItem", "UpdateItem", "UpdateItem"),
                    proxy.operations());
        }
        assertEquals(OptionalInt.of(3), another.cardinality(split()));
    }

    @Test
    void deniedAccessFailsAtOnceAsAConfigurationErrorNamingTheTable() throws Exception {
        try (FaultProxy proxy = new FaultProxy(ddb.endpoint());
                ForeachCoordinator c = through(proxy)) {
            proxy.fail(new Error(400, "AccessDeniedException"));
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> c.registerBranch(split(), 0, task(0)));
            assertTrue(e.getMessage().contains("'" + TABLE + "'") && e.getMessage().contains("dynamodb:UpdateItem"),
                    e.getMessage());
            assertEquals(List.of("UpdateItem"), proxy.operations(), "no retry of a denied request");
        }
    }

    @Test
    void persistentThrottlingBecomesATransientFailureAfterTheRetries() throws Exception {
        try (FaultProxy proxy = new FaultProxy(ddb.endpoint());
                ForeachCoordinator c = through(proxy)) {
            for (int i = 0; i < DynamoDbClients.MAX_ATTEMPTS + 5; i++) {
                proxy.fail(new Error(400, "ProvisionedThroughputExceededException"));
            }
            TransientFailureException e = assertThrows(TransientFailureException.class,
                    () -> c.recordSwitch(split(), "a"));
            assertTrue(e.getMessage().contains(TABLE) && e.getMessage().contains("retry the task"), e.getMessage());
            assertEquals(DynamoDbClients.MAX_ATTEMPTS, proxy.operations().size());
        }
    }

    @Test
    void unprocessedKeysOfTheJoinReadAreAskedForAgain() throws Exception {
        int n = 150;   // two registration shards
        coordinator.recordSplit(split(), n);
        for (int i = 0; i < n; i++) {
            coordinator.registerBranch(split(), i, task(i));
        }
        try (FaultProxy proxy = new FaultProxy(ddb.endpoint());
                ForeachCoordinator c = through(proxy)) {
            proxy.fail(new FaultProxy.Fault.NothingProcessed());
            assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), c.joinInputs(split()));
            assertEquals(List.of("GetItem", "BatchGetItem", "BatchGetItem"), proxy.operations());
        }
    }
}
