package dev.baton.serialization;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Value types and helpers shared by the codec tests. */
final class Fixtures {
    private Fixtures() {}

    static final String PACKAGE = "dev.baton.serialization";

    static ArtifactCodec codec() {
        return ArtifactCodec.builder().allowPackage(PACKAGE).build();
    }

    static byte[] encode(ArtifactCodec codec, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encode("value", value, out);
        return out.toByteArray();
    }

    static Object decode(ArtifactCodec codec, byte[] blob) {
        return codec.decode("value", null, new ByteArrayInputStream(blob));
    }

    record Point(int x, int y, String label) {}

    record Nested(String name, List<Point> points, Point[] corners) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Nested n && name.equals(n.name) && points.equals(n.points)
                    && java.util.Arrays.equals(corners, n.corners);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    /** Every kind of record component the record serializer specializes. */
    record AllKinds(boolean z, byte b, short s, char c, int i, long l, float f, double d, String str, Object any,
            List<Integer> list, Color color) {}

    /** A private generic record with a validating compact constructor. */
    private record Pair<A>(A first, A second) {
        Pair {
            if (first == null) {
                throw new IllegalArgumentException("first is required");
            }
        }
    }

    static Object pair(Object first, Object second) {
        return new Pair<>(first, second);
    }

    /** A record whose constructor validation can be switched on after a value was stored. */
    record Guarded(int amount) {
        static volatile boolean strict;

        Guarded {
            if (strict && amount < 0) {
                throw new IllegalArgumentException("amount must not be negative");
            }
        }
    }

    enum Color { RED, GREEN, BLUE }

    /** Constants with bodies are anonymous subclasses of the enum. */
    enum Op {
        PLUS { @Override int apply(int a, int b) { return a + b; } },
        TIMES { @Override int apply(int a, int b) { return a * b; } };

        abstract int apply(int a, int b);
    }

    /** No no-arg constructor, a final field, and a transient one that must not travel. */
    static final class Account {
        private final String owner;
        private final long cents;
        private transient Object cache = new Object();

        Account(String owner, long cents) {
            this.owner = Objects.requireNonNull(owner);
            this.cents = cents;
        }

        Object cache() {
            return cache;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Account a && owner.equals(a.owner) && cents == a.cents;
        }

        @Override
        public int hashCode() {
            return owner.hashCode();
        }
    }

    /** A node of a cyclic graph. */
    static final class Node {
        final String name;
        final List<Node> edges = new ArrayList<>();

        Node(String name) {
            this.name = name;
        }
    }

    /** Holds something that cannot be stored. */
    static final class Holder {
        final String name;
        final Object payload;

        Holder(String name, Object payload) {
            this.name = name;
            this.payload = payload;
        }
    }

    static ByteArrayInputStream in(byte[] blob) {
        return new ByteArrayInputStream(blob);
    }
}
