package dev.baton.cli.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.cli.Main;
import dev.baton.executor.Isolation;
import dev.baton.executor.RunOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LocalRunOptionsTest {

    /** Parses {@code baton <command> args} with the real command line, returning the command. */
    private static <T> T parse(String command, String... args) {
        CommandLine cl = Main.commandLine(null, Map.of());
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        return cl.getSubcommands().get(command).getCommand();
    }

    private static LocalRunOptions run(String... args) {
        return LocalRunOptionsTest.<RunCommand>parse("run", args).local;
    }

    @Test
    void workersDefaultToTheCoresLocallyAndToSixteenWhenTasksRunOnBatch() {
        LocalRunOptions none = run();
        assertEquals(Runtime.getRuntime().availableProcessors(),
                none.applyTo(RunOptions.defaults(), false).maxWorkers());
        assertEquals(LocalRunOptions.REMOTE_DEFAULT_WORKERS, none.applyTo(RunOptions.defaults(), true).maxWorkers());
        assertEquals(16, LocalRunOptions.REMOTE_DEFAULT_WORKERS);
    }

    @Test
    void givenOptionsWinEverywhere() {
        RunOptions o = run("--max-workers", "3", "--isolation", "process", "--run-id-file", "id.txt",
                "--tag", "a:b", "--tag", "c").applyTo(RunOptions.defaults(), true);
        assertEquals(3, o.maxWorkers());
        assertEquals(Isolation.PROCESS, o.isolation());
        assertEquals(Path.of("id.txt"), o.runIdFile());
        assertEquals(List.of("a:b", "c"), o.tags());
    }

    @Test
    void resumeTakesTheSameOptions() {
        ResumeCommand resume = parse("resume", "--max-workers", "5", "--isolation", "process");
        RunOptions o = resume.local.applyTo(RunOptions.defaults(), false);
        assertEquals(5, o.maxWorkers());
        assertEquals(Isolation.PROCESS, o.isolation());
    }
}
