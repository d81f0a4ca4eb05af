package dev.baton.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.stepfunctions.internal.ContainerCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job definitions' {@code sh -c SCRIPT baton} wrapper, run by a real {@code sh} with a stand-in {@code baton} on
 * the PATH that records its arguments and exits with a chosen code: the {@code baton step} command line it builds
 * from a Batch job's environment, and the exit codes Batch's {@code evaluateOnExit} sees.
 */
class ContainerCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, List<String> args) {}

    Run run(Map<String, String> env, int batonExit) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path argsFile = dir.resolve("args");
        Path baton = bin.resolve("baton");
        // one argument per line, so that arguments with spaces stay whole
        Files.writeString(baton, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + argsFile
                + "'\nexit " + batonExit + "\n");
        Files.setPosixFilePermissions(baton, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(ContainerCommand.JOB_COMMAND));
        pb.environment().clear();
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        List<String> args = Files.exists(argsFile) ? Files.readAllLines(argsFile) : List.of("<none> " + out);
        return new Run(p.exitValue(), args);
    }

    static Map<String, String> job(String... kv) {
        Map<String, String> env = new HashMap<>(Map.of("BATON_STEP", "train", "BATON_RUN_ID", "sfn-1",
                "AWS_BATCH_JOB_ID", "job-9", "AWS_BATCH_JOB_ATTEMPT", "1"));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void buildsTheStepCommandFromTheJobsEnvironment() throws Exception {
        Run r = run(job("BATON_PARENTS", "start/job-1", "BATON_SPLIT_INDEX", "2"), 0);
        assertEquals(0, r.exit());
        assertEquals(List.of("step", "train", "--run-id", "sfn-1", "--task-id", "job-9", "--input-paths",
                "sfn-1/start/job-1", "--split-index", "2"), r.args());
    }

    @Test
    void branchJoinParentsGetTheRunIdAndAForeachJoinNamesItsSplit() throws Exception {
        assertEquals(List.of("step", "train", "--run-id", "sfn-1", "--task-id", "job-9", "--input-paths",
                "sfn-1/a/job-1,sfn-1/b/job-2"), run(job("BATON_PARENTS", "a/job-1,b/job-2"), 0).args());
        assertEquals(List.of("step", "train", "--run-id", "sfn-1", "--task-id", "job-9", "--join-split",
                "--input-paths", "sfn-1/start/job-1"),
                run(job("BATON_PARENTS", "start/job-1", "BATON_JOIN_SPLIT", "1"), 0).args());
    }

    @Test
    void startGetsTheGivenParametersWholeAndTheRunTags() throws Exception {
        Run r = run(job("BATON_STEP", "start", "BATON_PARAM_OPTIONS", "--name --rate --empty",
                "BATON_PARAM_0", "two words", "BATON_PARAM_1", "0.5", "BATON_PARAM_2", "",
                "BATON_RUN_TAGS", "production:abc team:ml"), 0);
        assertEquals(List.of("step", "start", "--run-id", "sfn-1", "--task-id", "job-9", "--name", "two words",
                "--rate", "0.5", "--tag", "production:abc", "--tag", "team:ml"), r.args());
    }

    @Test
    void userFailuresWithRetryBudgetLeftExit75TheLastOneKeepsExit1() throws Exception {
        // @Retry(times = 2): attempts 1 and 2 may be retried, attempt 3 is the last
        assertEquals(75, run(job("BATON_USER_RETRIES", "2", "AWS_BATCH_JOB_ATTEMPT", "1"), 1).exit());
        assertEquals(75, run(job("BATON_USER_RETRIES", "2", "AWS_BATCH_JOB_ATTEMPT", "2"), 1).exit());
        assertEquals(1, run(job("BATON_USER_RETRIES", "2", "AWS_BATCH_JOB_ATTEMPT", "3"), 1).exit());
        assertEquals(1, run(job("AWS_BATCH_JOB_ATTEMPT", "1"), 1).exit(), "no @Retry: never retried");
        assertEquals(75, run(job("BATON_USER_RETRIES", "1"), 124).exit(), "a timeout counts as a user failure");
    }

    @Test
    void otherExitCodesPassThrough() throws Exception {
        assertEquals(3, run(job(), 3).exit(), "transient: Batch retries it within the attempts");
        assertEquals(2, run(job(), 2).exit());
        assertEquals(4, run(job("BATON_USER_RETRIES", "5"), 4).exit());
    }
}
