package dev.baton.executor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The children's CDS archive is dumped under a private name and published only after the dumper exits normally. */
class ChildTaskClassDataSharingTest {
    @TempDir
    Path dir;

    private List<String> command(Path archive) {
        return List.of("java", "-XX:ArchiveClassesAtExit=" + archive, "-jar", "baton.jar");
    }

    @Test
    void theDumperWritesAPrivateFileAndOthersStartWithoutCdsUntilItIsPublished() throws Exception {
        Path archive = dir.resolve("a.jsa");
        ChildTask.ClassDataSharing dumper = ChildTask.classDataSharing(command(archive));
        assertEquals(archive, dumper.archive());
        assertNotEquals(archive, dumper.dumpTo(), "the dump must not be written under the name readers map");
        assertTrue(dumper.command().contains("-XX:ArchiveClassesAtExit=" + dumper.dumpTo()), dumper.command().toString());

        // the JVM is writing the archive: readers must not see the final name yet
        Files.write(dumper.dumpTo(), new byte[] {1, 2, 3});
        ChildTask.ClassDataSharing meanwhile = ChildTask.classDataSharing(command(archive));
        assertNull(meanwhile.dumpTo());
        assertTrue(meanwhile.command().stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile")
                || a.startsWith("-XX:ArchiveClassesAtExit")), meanwhile.command().toString());

        dumper.publish(0);
        assertTrue(Files.isRegularFile(archive));
        assertFalse(Files.exists(dumper.dumpTo()));
        assertFalse(Files.exists(dumper.lock()));
        ChildTask.ClassDataSharing later = ChildTask.classDataSharing(command(archive));
        assertTrue(later.command().contains("-XX:SharedArchiveFile=" + archive), later.command().toString());
        assertEquals(List.of("java", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off,cds+dynamic=off", "-jar",
                "baton.jar"), later.command());
    }

    @Test
    void aKilledDumperPublishesNothingAndReleasesTheClaim() throws Exception {
        Path archive = dir.resolve("b.jsa");
        ChildTask.ClassDataSharing dumper = ChildTask.classDataSharing(command(archive));
        Files.write(dumper.dumpTo(), new byte[] {1, 2, 3}); // cut short by SIGKILL
        dumper.publish(137);
        assertFalse(Files.exists(archive));
        assertFalse(Files.exists(dumper.dumpTo()));
        // the next child may try again
        assertTrue(ChildTask.classDataSharing(command(archive)).dumpTo() != null);
    }

    @Test
    void aClaimLeftByAKilledParentExpiresWithItsHalfWrittenDump() throws Exception {
        Path archive = dir.resolve("c.jsa");
        ChildTask.ClassDataSharing dead = ChildTask.classDataSharing(command(archive));
        Files.write(dead.dumpTo(), new byte[] {1});
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        Files.setLastModifiedTime(dead.lock(), old);
        ChildTask.ClassDataSharing next = ChildTask.classDataSharing(command(archive));
        assertTrue(next.dumpTo() != null, "an expired claim is taken over");
        assertFalse(Files.exists(dead.dumpTo()), "the dead parent's partial dump is removed");
        assertFalse(Files.exists(archive));
    }
}
