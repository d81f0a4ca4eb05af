package dev.baton.datastore.internal.s3;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of heap that the staged objects of one store may hold beyond their first part, all together: a staged
 * object that finds no room left spools to a file instead. Reservations never wait, so a writer never blocks on
 * another's upload.
 */
final class SpoolBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    SpoolBudget(long limit) {
        this.limit = limit;
    }

    /** Reserves {@code bytes} if they fit; false (and nothing reserved) otherwise. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back bytes reserved before. */
    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes reserved now (for tests). */
    long used() {
        return used.get();
    }
}
