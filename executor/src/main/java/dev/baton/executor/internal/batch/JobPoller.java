package dev.baton.executor.internal.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * Polls AWS Batch for every job of a run in flight with one DescribeJobs per up to {@value #MAX_IDS} jobs, on one
 * thread. Each job still has its own backoff (the first interval, doubling up to the longest); what changes is
 * that a poll that falls due also takes along every other job due within its own interval, so jobs drift into
 * step and a wide foreach costs one call per hundred jobs per interval instead of one per job. DescribeJobs is
 * rate-limited per account, and a throttled poll only slows every job down.
 *
 * <p>The thread starts with the first job watched and ends when none is left, so a launcher needs no closing.
 */
final class JobPoller {
    /** DescribeJobs takes at most this many job ids. */
    static final int MAX_IDS = 100;

    /** What one poll said about a job. */
    sealed interface Poll {
        /** Batch described the job. */
        record Described(JobDetail job) implements Poll {}

        /** Batch answered without the job: it never knew it, or forgot it (some days after it ended). */
        record Unknown() implements Poll {}

        /** The call failed after the SDK's own retries. */
        record Failed(SdkException error) implements Poll {}
    }

    private final BatchClient batch;
    private final Duration firstInterval;
    private final Duration maxInterval;
    private final Map<String, Watch> watches = new LinkedHashMap<>(); // guarded by this
    private Thread thread; // guarded by this; null when no job is watched

    JobPoller(BatchClient batch, Duration firstInterval, Duration maxInterval) {
        this.batch = batch;
        this.firstInterval = firstInterval;
        this.maxInterval = maxInterval;
    }

    /** Starts polling {@code jobId}, at once and then with backoff, until {@link Watch#close()}. */
    synchronized Watch watch(String jobId) {
        Watch w = new Watch(jobId, System.nanoTime(), firstInterval.toNanos());
        if (watches.putIfAbsent(jobId, w) != null) {
            throw new IllegalStateException("AWS Batch job " + jobId + " is watched already");
        }
        if (thread == null) {
            thread = new Thread(this::loop, "baton-batch-poller");
            thread.setDaemon(true);
            thread.start();
        }
        notifyAll(); // a new job is due now
        return w;
    }

    private void loop() {
        while (true) {
            List<Watch> due;
            synchronized (this) {
                due = dueWatches();
                if (due == null) {
                    thread = null; // nothing left to watch; the next watch() starts a new thread
                    return;
                }
            }
            for (int from = 0; from < due.size(); from += MAX_IDS) {
                poll(due.subList(from, Math.min(due.size(), from + MAX_IDS)));
            }
        }
    }

    /**
     * Waits for the earliest job to fall due, then returns it with every job due within its own interval from now;
     * null when no job is left.
     */
    private List<Watch> dueWatches() {
        while (true) {
            if (watches.isEmpty()) {
                return null;
            }
            long now = System.nanoTime();
            long earliest = Long.MAX_VALUE;
            for (Watch w : watches.values()) {
                earliest = Math.min(earliest, w.nextPoll - now);
            }
            if (earliest > 0) {
                try {
                    wait(Math.max(1, earliest / 1_000_000), (int) (earliest % 1_000_000));
                } catch (InterruptedException e) {
                    // nothing of ours interrupts this thread; if something does, stop, and let no job wait forever
                    for (Watch w : List.copyOf(watches.values())) {
                        w.deliver(new Poll.Failed(SdkException.create("polling AWS Batch was interrupted", e)));
                    }
                    watches.clear();
                    return null;
                }
                continue;
            }
            List<Watch> due = new ArrayList<>();
            for (Watch w : watches.values()) {
                // at most one interval early: aligns jobs onto shared polls, never polls one more than twice as often
                if (w.nextPoll - now <= w.interval) {
                    due.add(w);
                }
            }
            return due;
        }
    }

    private void poll(List<Watch> chunk) {
        List<String> ids = chunk.stream().map(w -> w.jobId).toList();
        Map<String, JobDetail> described = new HashMap<>();
        SdkException failure = null;
        try {
            for (JobDetail job : batch.describeJobs(b -> b.jobs(ids)).jobs()) {
                described.put(job.jobId(), job);
            }
        } catch (SdkException e) {
            failure = e;
        }
        long now = System.nanoTime();
        long max = maxInterval.toNanos();
        for (Watch w : chunk) {
            JobDetail job = described.get(w.jobId);
            w.deliver(failure != null ? new Poll.Failed(failure)
                    : job != null ? new Poll.Described(job) : new Poll.Unknown());
            synchronized (this) {
                w.nextPoll = now + w.interval;
                w.interval = Math.min(max, w.interval * 2);
            }
        }
    }

    /** One job's view of the polls: its thread waits in {@link #next()}. */
    final class Watch implements AutoCloseable {
        private final String jobId;
        private long nextPoll; // guarded by the poller
        private long interval; // guarded by the poller
        private Poll pending; // guarded by this watch
        private boolean closed; // guarded by this watch

        private Watch(String jobId, long nextPoll, long interval) {
            this.jobId = jobId;
            this.nextPoll = nextPoll;
            this.interval = interval;
        }

        private synchronized void deliver(Poll poll) {
            pending = poll;
            notifyAll();
        }

        /**
         * The next poll of this job, waiting for it; null once closed (e.g. by an interrupt of the run).
         *
         * @throws InterruptedException when the waiting thread is interrupted
         */
        synchronized Poll next() throws InterruptedException {
            while (pending == null && !closed) {
                wait();
            }
            if (closed) {
                return null;
            }
            Poll p = pending;
            pending = null;
            return p;
        }

        /** Stops polling this job and wakes its waiting thread. Idempotent. */
        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            synchronized (JobPoller.this) {
                watches.remove(jobId, this);
                JobPoller.this.notifyAll();
            }
        }
    }
}
