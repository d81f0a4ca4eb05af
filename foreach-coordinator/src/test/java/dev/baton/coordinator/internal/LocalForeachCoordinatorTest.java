package dev.baton.coordinator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.ForeachCoordinatorContract;
import dev.baton.coordinator.ForeachCoordinators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded file-based coordinator, plus its layout and cross-process behaviour. */
class LocalForeachCoordinatorTest extends ForeachCoordinatorContract {
    @TempDir
    Path dir;

    @Override
    protected ForeachCoordinator coordinator() {
        return ForeachCoordinators.local(dir);
    }

    @Override
    protected ForeachCoordinator another() {
        return new LocalForeachCoordinator(dir);
    }

    @Test
    void separateProcessesShareTheRecords() throws Exception {
        int n = 120;
        coordinator().recordSplit(split(), n);
        // two JVMs register halves while this one registers an overlapping middle third: nothing lost, nothing twice
        Process first = RegisterBranches.start(List.of("local", dir.toString(), split(), "0", "60", task(0)));
        Process second = RegisterBranches.start(List.of("local", dir.toString(), split(), "60", "120", task(0)));
        for (int i = 40; i < 80; i++) {
            coordinator().registerBranch(split(), i, task(i));
        }
        RegisterBranches.awaitSuccess(first);
        RegisterBranches.awaitSuccess(second);
        assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), coordinator().joinInputs(split()));
        assertEquals(OptionalInt.of(n), coordinator().cardinality(split()));
    }

    @Test
    void storesOneSmallFilePerRecordAndLeavesNoTemporaryFiles() throws IOException {
        coordinator().recordSplit(split(), 3);
        for (int i = 0; i < 3; i++) {
            coordinator().registerBranch(split(), i, task(i));
            coordinator().registerBranch(split(), i, task(i));
        }
        coordinator().recordSwitch(split(), "b");
        Path record = ((LocalForeachCoordinator) coordinator()).recordDir(split());
        assertTrue(record.startsWith(dir));
        assertEquals("3", Files.readString(record.resolve("@split")));
        assertEquals("b", Files.readString(record.resolve("@switch")));
        assertEquals(task(1), Files.readString(record.resolve("@registrations").resolve("1")));
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList());
        }
    }

    @Test
    void aTemporaryFileLeftByACrashedWriterIsIgnored() throws IOException {
        coordinator().recordSplit(split(), 1);
        coordinator().registerBranch(split(), 0, task(0));
        Path registrations = ((LocalForeachCoordinator) coordinator()).recordDir(split()).resolve("@registrations");
        Files.writeString(registrations.resolve(".tmp-crashed"), "half a pathsp");
        assertEquals(List.of(task(0)), coordinator().joinInputs(split()));
    }

    @Test
    void encodesPathspecSegmentsSoNothingEscapesOrCollides() {
        assertEquals("Flow", LocalForeachCoordinator.encode("Flow"));
        assertEquals("sfn-1_a.b", LocalForeachCoordinator.encode("sfn-1_a.b"));
        assertEquals("%2E.", LocalForeachCoordinator.encode(".."));
        assertEquals("%40split", LocalForeachCoordinator.encode("@split"));
        assertEquals("%5C%3A", LocalForeachCoordinator.encode("\\:"));
        assertEquals("%C3%A9", LocalForeachCoordinator.encode("é"));
        assertEquals("%", LocalForeachCoordinator.encode(""));

        LocalForeachCoordinator c = new LocalForeachCoordinator(dir);
        Path escaped = c.recordDir("../../etc/x");
        assertTrue(escaped.normalize().startsWith(dir), escaped.toString());
        // a pathspec whose segment looks like a record lives in its own directory, not over the record
        c.recordSplit("F/r/s/t", 1);
        c.recordSplit("F/r/s/t/@split", 2);
        assertEquals(OptionalInt.of(1), c.cardinality("F/r/s/t"));
        assertEquals(OptionalInt.of(2), c.cardinality("F/r/s/t/@split"));
        assertFalse(Files.isDirectory(c.recordDir("F/r/s/t").resolve("@split")));
    }
}
