package dev.baton.executor.internal;

import dev.baton.flow.BatonException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One datastore (or foreach coordinator) request of a task that may overlap the task's next ones. With an executor
 * ({@link dev.baton.datastore.FlowDatastore#requestExecutor()}: a remote store, where each request is a round trip)
 * it starts at once on the executor; without one (a local store) it is made on the caller's thread when
 * {@link #join()}ed, so a local task makes its requests in the order it joins them, with no thread hop.
 *
 * <p>Not thread-safe: one thread starts, joins or settles a request (the request itself runs elsewhere).
 */
final class PendingRequest<T> {
    private final CompletableFuture<T> started; // null: deferred until join()
    private Supplier<T> deferred;
    private T value;
    private RuntimeException failure;
    private Error error;

    private PendingRequest(CompletableFuture<T> started, Supplier<T> deferred) {
        this.started = started;
        this.deferred = deferred;
    }

    /** Starts {@code request} on {@code executor}, or defers it to {@link #join()} when there is none. */
    static <T> PendingRequest<T> start(Optional<Executor> executor, Supplier<T> request) {
        if (executor.isPresent()) {
            try {
                return new PendingRequest<>(CompletableFuture.supplyAsync(request, executor.get()), null);
            } catch (RejectedExecutionException e) {
                // the datastore is closing: the request is made on the caller's thread, and fails there as it would
            }
        }
        return new PendingRequest<>(null, request);
    }

    /** {@link #start} of a request that returns nothing (a write). */
    static PendingRequest<Void> startWrite(Optional<Executor> executor, Runnable request) {
        return start(executor, () -> {
            request.run();
            return null;
        });
    }

    /** A request that needs no doing: its value is already known (a run record this executor has read before). */
    static <T> PendingRequest<T> done(T value) {
        PendingRequest<T> done = new PendingRequest<>(null, null);
        done.value = value;
        return done;
    }

    /**
     * Waits for the request (making it now when it was deferred) and returns its value, or throws its failure as the
     * request threw it. The wait is not interruptible on purpose: a caller goes on only once the request is over, so
     * nothing of it can land after a write the caller makes next (a task's {@code done.json} comes last).
     */
    T join() {
        if (started == null) {
            Supplier<T> request = deferred;
            deferred = null;
            if (request != null) {
                try {
                    value = request.get();
                } catch (RuntimeException e) {
                    failure = e;
                } catch (Error e) {
                    error = e;
                }
            }
        } else {
            try {
                value = started.join();
            } catch (CompletionException e) {
                rethrow(e.getCause() == null ? e : e.getCause());
            }
        }
        if (error != null) {
            throw error;
        }
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    /**
     * Gives the request up, on a path that fails for another reason: a deferred request is never made (as in the
     * sequential order, where a failure before it means it never ran); one in flight is waited for, whatever its
     * outcome, so that it cannot land after what the caller writes next.
     */
    void settle() {
        if (started == null) {
            deferred = null;
            return;
        }
        try {
            started.join();
        } catch (CompletionException | CancellationException e) {
            // the caller is failing for another reason already, which it reports; this request's failure is moot
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new BatonException("a datastore request failed: " + t, t);
    }
}
