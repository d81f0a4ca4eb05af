package dev.baton.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.TransientFailureException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ForeachCoordinator} must have, written once: each implementation's test extends it
 * and supplies the coordinator under test. Each test works under its own fresh run id, so tests never see each
 * other's records even when they share a store.
 */
public abstract class ForeachCoordinatorContract {

    /** The coordinator under test (the same instance may serve every test of a class). */
    protected abstract ForeachCoordinator coordinator();

    /** A second, independent coordinator over the same store (another task, another process, another client). */
    protected abstract ForeachCoordinator another();

    private String run;

    @BeforeEach
    void freshRun() {
        run = "ContractFlow/" + UUID.randomUUID();
    }

    protected String split() {
        return run + "/start/1";
    }

    protected String task(int index) {
        return run + "/body/" + (1000 + index);
    }

    @Test
    void recordsACardinalityOnceAndAcceptsTheSameAgain() {
        ForeachCoordinator c = coordinator();
        assertEquals(OptionalInt.empty(), c.cardinality(split()));
        c.recordSplit(split(), 3);
        c.recordSplit(split(), 3);   // a retried attempt
        assertEquals(OptionalInt.of(3), c.cardinality(split()));
        assertEquals(OptionalInt.of(3), another().cardinality(split()));
    }

    @Test
    void refusesADifferentCardinalityNamingTheSplitAndBothValues() {
        ForeachCoordinator c = coordinator();
        c.recordSplit(split(), 3);
        CoordinatorException e = assertThrows(CoordinatorException.class, () -> another().recordSplit(split(), 4));
        assertTrue(e.getMessage().contains(split()), e.getMessage());
        assertTrue(e.getMessage().contains("cardinality 3") && e.getMessage().contains("produced 4"), e.getMessage());
        assertFalse(e.isTransient());
        assertEquals(OptionalInt.of(3), c.cardinality(split()));
    }

    @Test
    void twoHundredConcurrentRegistrationsGiveAnExactCount() throws Exception {
        int n = 200;
        coordinator().recordSplit(split(), n);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    coordinator().registerBranch(split(), index, task(index));
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();   // all 200 threads start registering at once
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failures);
        List<String> inputs = another().joinInputs(split());
        assertEquals(n, inputs.size());
        assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), inputs);
    }

    @Test
    void duplicateRegistrationsNeverDoubleCount() throws Exception {
        int n = 5;
        coordinator().recordSplit(split(), n);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int copy = 0; copy < 4; copy++) {   // a retried task, a duplicated Map iteration, ...
                for (int i = 0; i < n; i++) {
                    int index = i;
                    done.add(pool.submit(() -> coordinator().registerBranch(split(), index, task(index))));
                }
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), coordinator().joinInputs(split()));
    }

    @Test
    void ordersTheJoinByForeachIndexWhateverTheArrivalOrder() {
        int n = 12;
        coordinator().recordSplit(split(), n);
        List<Integer> arrival = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(arrival, new Random(42));
        assertTrue(!arrival.equals(IntStream.range(0, n).boxed().toList()), "the shuffle must change the order");
        for (int index : arrival) {
            coordinator().registerBranch(split(), index, task(index));
        }
        assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), coordinator().joinInputs(split()));
    }

    @Test
    void aJoinStartedEarlyFailsNamingTheMissingIndicesThenSucceeds() {
        ForeachCoordinator c = coordinator();
        c.recordSplit(split(), 6);
        for (int index : new int[] {5, 0, 2}) {
            c.registerBranch(split(), index, task(index));
        }
        IncompleteJoinException e = assertThrows(IncompleteJoinException.class, () -> another().joinInputs(split()));
        assertEquals(List.of(1, 3, 4), e.missing());
        assertTrue(e.getMessage().contains(split()) && e.getMessage().contains("[1, 3, 4]"), e.getMessage());
        assertTrue(e instanceof TransientFailureException && e.isTransient(), "an incomplete join is worth a retry");

        for (int index : new int[] {4, 1, 3}) {
            c.registerBranch(split(), index, task(index));
        }
        assertEquals(IntStream.range(0, 6).mapToObj(this::task).toList(), another().joinInputs(split()));
    }

    @Test
    void aLaterRegistrationOfTheSameIndexReplacesTheEarlierOne() {
        coordinator().recordSplit(split(), 2);
        coordinator().registerBranch(split(), 0, run + "/body/7");
        coordinator().registerBranch(split(), 1, task(1));
        another().registerBranch(split(), 0, run + "/body/8");
        assertEquals(List.of(run + "/body/8", task(1)), coordinator().joinInputs(split()));
    }

    @Test
    void aJoinWithoutARecordedSplitIsAClearNonTransientError() {
        CoordinatorException e = assertThrows(CoordinatorException.class, () -> coordinator().joinInputs(split()));
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains(split()) && e.getMessage().contains("no recorded cardinality"),
                e.getMessage());
    }

    @Test
    void aRegistrationOutsideTheCardinalityIsRefusedAtTheJoin() {
        coordinator().recordSplit(split(), 2);
        coordinator().registerBranch(split(), 0, task(0));
        coordinator().registerBranch(split(), 1, task(1));
        coordinator().registerBranch(split(), 7, task(7));
        CoordinatorException e = assertThrows(CoordinatorException.class, () -> coordinator().joinInputs(split()));
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("[7]") && e.getMessage().contains(split()), e.getMessage());
    }

    @Test
    void anEmptyForeachJoinsNothing() {
        coordinator().recordSplit(split(), 0);
        assertEquals(OptionalInt.of(0), coordinator().cardinality(split()));
        assertEquals(List.of(), coordinator().joinInputs(split()));
    }

    @Test
    void recordsASwitchChoiceOnceAndRefusesAnother() {
        String sw = run + "/decide/3";
        ForeachCoordinator c = coordinator();
        assertEquals(Optional.empty(), c.switchChoice(sw));
        c.recordSwitch(sw, "train");
        c.recordSwitch(sw, "train");   // a retried attempt
        assertEquals(Optional.of("train"), another().switchChoice(sw));
        CoordinatorException e = assertThrows(CoordinatorException.class, () -> another().recordSwitch(sw, "skip"));
        assertTrue(e.getMessage().contains(sw) && e.getMessage().contains("'train'")
                && e.getMessage().contains("'skip'"), e.getMessage());
        assertEquals(Optional.of("train"), c.switchChoice(sw));
    }

    @Test
    void aSplitAndASwitchOfTheSameTaskDoNotEraseEachOther() {
        coordinator().recordSplit(split(), 2);
        coordinator().recordSwitch(split(), "next");
        coordinator().recordSplit(split(), 2);
        assertEquals(OptionalInt.of(2), coordinator().cardinality(split()));
        assertEquals(Optional.of("next"), coordinator().switchChoice(split()));
    }

    @Test
    void aTenThousandWideSplitJoinsCompletelyAndInOrder() throws Exception {
        int n = 10_000;
        coordinator().recordSplit(split(), n);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int worker = 0; worker < 8; worker++) {
                int first = worker;
                done.add(pool.submit(() -> {
                    for (int i = first; i < n; i += 8) {   // interleaved: every shard is written concurrently
                        coordinator().registerBranch(split(), i, task(i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> inputs = another().joinInputs(split());
        assertEquals(n, inputs.size());
        assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), inputs);
    }

    @Test
    void rejectsMeaninglessArguments() {
        ForeachCoordinator c = coordinator();
        assertThrows(IllegalArgumentException.class, () -> c.recordSplit(split(), -1));
        assertThrows(IllegalArgumentException.class, () -> c.registerBranch(split(), -1, task(0)));
        assertThrows(IllegalArgumentException.class, () -> c.registerBranch(split(), 0, " "));
        assertThrows(IllegalArgumentException.class, () -> c.recordSplit("", 1));
        assertThrows(IllegalArgumentException.class, () -> c.registerBranch(split(), 0, "x".repeat(2000)));
        assertThrows(IllegalArgumentException.class, () -> c.recordSwitch(split(), ""));
        assertEquals(OptionalInt.empty(), c.cardinality(split()));
    }
}
