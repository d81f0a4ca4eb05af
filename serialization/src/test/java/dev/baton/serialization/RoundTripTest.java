package dev.baton.serialization;

import static dev.baton.serialization.Fixtures.codec;
import static dev.baton.serialization.Fixtures.decode;
import static dev.baton.serialization.Fixtures.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.CaughtException;
import dev.baton.serialization.Fixtures.Account;
import dev.baton.serialization.Fixtures.Color;
import dev.baton.serialization.Fixtures.Nested;
import dev.baton.serialization.Fixtures.Node;
import dev.baton.serialization.Fixtures.Op;
import dev.baton.serialization.Fixtures.Point;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every supported shape of value comes back equal, of the same class, with a stable key. */
class RoundTripTest {
    private static final ArtifactCodec CODEC = codec();

    static Stream<Arguments> values() {
        Random random = new Random(42);
        byte[] bigBytes = new byte[(1 << 20) + 7];
        random.nextBytes(bigBytes);
        double[] bigDoubles = IntStream.range(0, 300_001).mapToDouble(i -> Math.sin(i / 1000.0)).toArray();
        long[] bigLongs = random.longs(200_003).toArray();
        int[] bigInts = random.ints(300_007).toArray();
        float[] bigFloats = new float[270_001];
        for (int i = 0; i < bigFloats.length; i++) {
            bigFloats[i] = (float) Math.cos(i * 0.01);
        }
        Map<String, List<Map<Integer, Set<String>>>> nested = new TreeMap<>();
        nested.put("a", List.of(Map.of(1, Set.of("x", "y")), new HashMap<>(Map.of(2, new TreeSet<>(Set.of("z"))))));
        nested.put("b", new ArrayList<>());
        Map<Color, Integer> enumMap = new EnumMap<>(Color.class);
        enumMap.put(Color.GREEN, 2);
        BitSet bits = new BitSet();
        bits.set(3);
        bits.set(1000);
        return Stream.of(
                Arguments.of("null", null),
                Arguments.of("Integer", 42), Arguments.of("Integer.MIN", Integer.MIN_VALUE),
                Arguments.of("Long", Long.MAX_VALUE), Arguments.of("Short", (short) -3), Arguments.of("Byte", (byte) 7),
                Arguments.of("Character", 'é'), Arguments.of("Boolean", true), Arguments.of("Float", 1.5f),
                Arguments.of("Double", -0.0), Arguments.of("Double.NaN", Double.NaN),
                Arguments.of("Double.MIN", Double.MIN_VALUE),
                Arguments.of("String empty", ""), Arguments.of("String ascii", "hello"),
                Arguments.of("String unicode", "héllo wörld ∑ 日本語 😀 𝄞 \u0000 \uFFFF"),
                Arguments.of("String lone surrogates", "a\uD800b\uDC00c"),
                Arguments.of("String long", "x😀".repeat(100_000)),
                Arguments.of("byte[] small", new byte[] {1, 2, 3}), Arguments.of("byte[] empty", new byte[0]),
                Arguments.of("byte[] large", bigBytes),
                Arguments.of("int[] small", new int[] {1, -1, Integer.MAX_VALUE}), Arguments.of("int[] large", bigInts),
                Arguments.of("long[] small", new long[] {Long.MIN_VALUE, 0}), Arguments.of("long[] large", bigLongs),
                Arguments.of("double[] small", new double[] {Math.PI, Double.NaN, -0.0}),
                Arguments.of("double[] large", bigDoubles),
                Arguments.of("float[] small", new float[] {1f, Float.NaN}), Arguments.of("float[] large", bigFloats),
                Arguments.of("short[]", new short[] {1, 2, -3}), Arguments.of("char[]", "chars😀".toCharArray()),
                Arguments.of("boolean[]", new boolean[] {true, false, true}),
                Arguments.of("String[]", new String[] {"a", null, "c"}),
                Arguments.of("Object[] mixed", new Object[] {1, "two", 3.0, null, List.of(4)}),
                Arguments.of("int[][]", new int[][] {{1, 2}, {}, null, {3}}),
                Arguments.of("Point[]", new Point[] {new Point(1, 2, "a"), null}),
                Arguments.of("ArrayList", new ArrayList<>(Arrays.asList(1, null, "x"))),
                Arguments.of("LinkedList", new LinkedList<>(List.of(1, 2))),
                Arguments.of("ArrayDeque", new ArrayDeque<>(List.of("a", "b"))),
                Arguments.of("HashMap", new HashMap<>(Map.of("a", 1, "b", 2))),
                Arguments.of("LinkedHashMap", new LinkedHashMap<>(Map.of("k", List.of(1)))),
                Arguments.of("TreeMap", new TreeMap<>(Map.of(3, "c", 1, "a"))),
                Arguments.of("HashSet", new HashSet<>(Set.of(1, 2, 3))),
                Arguments.of("LinkedHashSet", new LinkedHashSet<>(List.of("z", "a"))),
                Arguments.of("TreeSet", new TreeSet<>(Set.of("b", "a"))),
                Arguments.of("ConcurrentHashMap", new ConcurrentHashMap<>(Map.of("a", 1))),
                Arguments.of("CopyOnWriteArrayList", new CopyOnWriteArrayList<>(List.of(1, 2))),
                Arguments.of("EnumMap", enumMap), Arguments.of("EnumSet", EnumSet.of(Color.RED, Color.BLUE)),
                Arguments.of("List.of()", List.of()), Arguments.of("List.of(1)", List.of(1)),
                Arguments.of("List.of(1,2)", List.of(1, 2)), Arguments.of("List.of(1..5)", List.of(1, 2, 3, 4, 5)),
                Arguments.of("Set.of()", Set.of()), Arguments.of("Set.of(1)", Set.of(1)),
                Arguments.of("Set.of(1,2,3)", Set.of(1, 2, 3)), Arguments.of("Map.of()", Map.of()),
                Arguments.of("Map.of(1)", Map.of("a", 1)), Arguments.of("Map.of(3)", Map.of("a", 1, "b", 2, "c", 3)),
                Arguments.of("List.copyOf", List.copyOf(new ArrayList<>(List.of("q")))),
                Arguments.of("unmodifiableList", Collections.unmodifiableList(new ArrayList<>(List.of(1, 2)))),
                Arguments.of("unmodifiableList(LinkedList)", Collections.unmodifiableList(new LinkedList<>(List.of(1)))),
                Arguments.of("unmodifiableSet", Collections.unmodifiableSet(new HashSet<>(Set.of("a")))),
                Arguments.of("unmodifiableSortedSet", Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(2, 1)))),
                Arguments.of("unmodifiableNavigableSet", Collections.unmodifiableNavigableSet(new TreeSet<>(Set.of(1)))),
                Arguments.of("unmodifiableMap", Collections.unmodifiableMap(new HashMap<>(Map.of("a", 1)))),
                Arguments.of("unmodifiableSortedMap", Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(1, 1)))),
                Arguments.of("unmodifiableNavigableMap", Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of(1, 1)))),
                Arguments.of("emptyList", Collections.emptyList()), Arguments.of("emptyMap", Collections.emptyMap()),
                Arguments.of("singletonList", Collections.singletonList("s")),
                Arguments.of("singletonMap", Collections.singletonMap("k", "v")),
                Arguments.of("Arrays.asList", Arrays.asList("a", null, "b")),
                Arguments.of("nested generics", nested),
                Arguments.of("record", new Point(1, 2, "p")),
                Arguments.of("record with null", new Point(0, 0, null)),
                Arguments.of("nested record", new Nested("n", List.of(new Point(1, 1, "a")), new Point[] {new Point(2, 2, "b")})),
                Arguments.of("list of records", List.of(new Point(1, 2, "a"), new Point(3, 4, "b"))),
                Arguments.of("record of every kind", new Fixtures.AllKinds(true, (byte) -1, Short.MIN_VALUE, 'ß',
                        Integer.MIN_VALUE, Long.MIN_VALUE, Float.NaN, -0.0, "s😀", List.of(1), new ArrayList<>(List.of(2)), Color.BLUE)),
                Arguments.of("record of every kind, nulls", new Fixtures.AllKinds(false, (byte) 0, (short) 0, '\0', 0, Long.MAX_VALUE,
                        0f, Double.MAX_VALUE, null, null, null, null)),
                Arguments.of("private generic record", Fixtures.pair("a", Optional.of(3))),
                Arguments.of("enum", Color.GREEN), Arguments.of("enum with body", Op.TIMES),
                Arguments.of("Optional.empty", Optional.empty()), Arguments.of("Optional", Optional.of("x")),
                Arguments.of("OptionalInt", OptionalInt.of(3)), Arguments.of("OptionalLong", OptionalLong.empty()),
                Arguments.of("OptionalDouble", OptionalDouble.of(2.5)),
                Arguments.of("Instant", Instant.ofEpochSecond(1_700_000_000L, 123_456_789)),
                Arguments.of("Duration", Duration.ofMillis(-1234)), Arguments.of("LocalDate", LocalDate.of(2024, 2, 29)),
                Arguments.of("LocalTime", LocalTime.of(23, 59, 59, 999_999_999)),
                Arguments.of("LocalDateTime", LocalDateTime.of(2020, 1, 2, 3, 4, 5)),
                Arguments.of("ZonedDateTime", ZonedDateTime.of(2021, 3, 28, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))),
                Arguments.of("OffsetDateTime", OffsetDateTime.of(2021, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-5))),
                Arguments.of("OffsetTime", OffsetTime.of(1, 2, 3, 4, ZoneOffset.UTC)),
                Arguments.of("ZoneId", ZoneId.of("America/New_York")), Arguments.of("ZoneOffset", ZoneOffset.ofHours(9)),
                Arguments.of("Period", Period.of(1, 2, 3)), Arguments.of("Year", Year.of(1999)),
                Arguments.of("YearMonth", YearMonth.of(2000, 12)), Arguments.of("MonthDay", MonthDay.of(2, 29)),
                Arguments.of("BigDecimal", new BigDecimal("-12345678901234567890.000000000000000001")),
                Arguments.of("BigDecimal scale", new BigDecimal("1.10")),
                Arguments.of("BigDecimal pi", BigDecimal.valueOf(Math.PI).round(new MathContext(5))),
                Arguments.of("BigInteger", new BigInteger("-" + "9".repeat(80))),
                Arguments.of("UUID", UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
                Arguments.of("URI", URI.create("s3://bucket/a%20b?x=1#frag")),
                Arguments.of("Locale", Locale.CANADA_FRENCH), Arguments.of("BitSet", bits),
                Arguments.of("no-arg-less class", new Account("ada", 12_345)),
                Arguments.of("CaughtException", new CaughtException("java.lang.IllegalStateException", "boom",
                        "java.lang.IllegalStateException: boom\n\tat X.y(X.java:1)", 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void roundTripsExactly(String name, Object value) {
        byte[] blob = encode(CODEC, value);
        Object back = decode(CODEC, blob);
        assertDeepEquals(value, back);
        if (value != null) {
            assertEquals(value.getClass(), back.getClass(), "class of " + name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void keyIsStableAndIndependentOfCompression(String name, Object value) {
        EncodedBlob first = CODEC.encode("v", value, new ByteArrayOutputStream());
        EncodedBlob again = CODEC.encode("v", value, new ByteArrayOutputStream());
        ArtifactCodec none = ArtifactCodec.builder().allowPackage(Fixtures.PACKAGE).compressionLevel(0).build();
        ArtifactCodec strong = ArtifactCodec.builder().allowPackage(Fixtures.PACKAGE).compressionLevel(9).build();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        EncodedBlob uncompressed = none.encode("v", value, raw);
        assertEquals(first.key(), again.key());
        assertEquals(first.key(), uncompressed.key());
        assertEquals(first.key(), strong.encode("v", value, new ByteArrayOutputStream()).key());
        assertEquals(first.serializedSize(), uncompressed.serializedSize());
        assertEquals(raw.size(), uncompressed.storedSize());
        assertTrue(first.key().matches("[0-9a-f]{64}"), first.key());
        // A blob written at any level decodes with a codec configured for any other level.
        assertDeepEquals(value, CODEC.decode("v", first.key(), Fixtures.in(raw.toByteArray())));
    }

    @Test
    void encodedBlobDescribesTheValue() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncodedBlob blob = CODEC.encode("v", new Point(1, 2, "p"), out);
        assertEquals(Point.class.getName(), blob.type());
        assertEquals(out.size(), blob.storedSize());
        assertEquals("null", CODEC.encode("v", null, new ByteArrayOutputStream()).type());
    }

    @Test
    void transientFieldsDoNotTravel() {
        Account back = (Account) decode(CODEC, encode(CODEC, new Account("bob", 1)));
        assertNull(back.cache());
    }

    @Test
    void unmodifiableViewsStayUnmodifiable() {
        @SuppressWarnings("unchecked")
        List<Integer> back = (List<Integer>) decode(CODEC, encode(CODEC, Collections.unmodifiableList(new ArrayList<>(List.of(1)))));
        assertThrows(UnsupportedOperationException.class, () -> back.add(2));
        @SuppressWarnings("unchecked")
        List<Integer> immutable = (List<Integer>) decode(CODEC, encode(CODEC, List.of(1, 2, 3)));
        assertThrows(UnsupportedOperationException.class, () -> immutable.add(2));
        @SuppressWarnings("unchecked")
        Collection<Integer> collection = (Collection<Integer>) decode(CODEC,
                encode(CODEC, Collections.unmodifiableCollection(new ArrayList<>(List.of(5, 6)))));
        assertEquals(List.of(5, 6), new ArrayList<>(collection));
        assertThrows(UnsupportedOperationException.class, () -> collection.add(7));
    }

    @Test
    void cyclicAndSharedReferencesKeepTheirShape() {
        Node a = new Node("a");
        Node b = new Node("b");
        a.edges.add(b);
        b.edges.add(a);
        a.edges.add(a);
        Node back = (Node) decode(CODEC, encode(CODEC, a));
        assertEquals("a", back.name);
        Node backB = back.edges.get(0);
        assertEquals("b", backB.name);
        assertSame(back, backB.edges.get(0));
        assertSame(back, back.edges.get(1));

        List<Object> selfList = new ArrayList<>();
        selfList.add("x");
        selfList.add(selfList);
        List<?> backList = (List<?>) decode(CODEC, encode(CODEC, selfList));
        assertSame(backList, backList.get(1));

        Account shared = new Account("s", 1);
        List<?> pair = (List<?>) decode(CODEC, encode(CODEC, new ArrayList<>(List.of(shared, shared))));
        assertSame(pair.get(0), pair.get(1));

        // Records are values: a record reached twice comes back as two equal records.
        Point point = new Point(1, 1, "s");
        List<?> points = (List<?>) decode(CODEC, encode(CODEC, new ArrayList<>(List.of(point, point))));
        assertEquals(points.get(0), points.get(1));

        // A cycle through a record terminates (through the tracked mutable list) and keeps its shape.
        List<Object> holder = new ArrayList<>();
        Fixtures.Nested cyclic = new Fixtures.Nested("c", new ArrayList<>(), new Point[0]);
        holder.add(cyclic);
        holder.add(holder);
        List<?> backHolder = (List<?>) decode(CODEC, encode(CODEC, holder));
        assertSame(backHolder, backHolder.get(1));
        assertEquals(cyclic, backHolder.get(0));
    }

    @Test
    void aRecordRefusingItsStoredValuesIsANamedErrorNotAValue() {
        byte[] blob = encode(CODEC, new Fixtures.Guarded(-5));
        Fixtures.Guarded.strict = true;
        try {
            ArtifactSerializationException e = assertThrows(ArtifactSerializationException.class,
                    () -> CODEC.decode("balance", null, Fixtures.in(blob)));
            assertTrue(e.getMessage().contains("'balance'"), e.getMessage());
            assertTrue(e.getMessage().contains("amount must not be negative"), e.getMessage());
            assertTrue(e.getMessage().contains(Fixtures.Guarded.class.getName()), e.getMessage());
        } finally {
            Fixtures.Guarded.strict = false;
        }
    }

    @Test
    void enumConstantsWithBodiesKeepTheirBehaviour() {
        assertEquals(12, ((Op) decode(CODEC, encode(CODEC, Op.TIMES))).apply(3, 4));
    }

    @Test
    void sequentialBlobsOnOneStreamDecodeOneByOne() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CODEC.encode("a", List.of(1, 2), out);
        CODEC.encode("b", new double[100_000], out);
        CODEC.encode("c", "third", out);
        var in = Fixtures.in(out.toByteArray());
        assertEquals(List.of(1, 2), CODEC.decode("a", null, in));
        assertArrayEquals(new double[100_000], (double[]) CODEC.decode("b", null, in));
        assertEquals("third", CODEC.decode("c", null, in));
        assertEquals(0, in.available());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -7, -1, 1, 3, 9})
    void everyExposedLevelRoundTrips(int level) {
        ArtifactCodec codec = ArtifactCodec.builder().compressionLevel(level).build();
        double[] series = IntStream.range(0, 100_000).mapToDouble(i -> i * 0.5).toArray();
        assertArrayEquals(series, (double[]) decode(codec, encode(codec, series)));
    }

    @Test
    void outOfRangeLevelIsAConfigurationError() {
        var e = assertThrows(dev.baton.flow.ConfigurationException.class,
                () -> ArtifactCodec.builder().compressionLevel(1000));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }

    static void assertDeepEquals(Object expected, Object actual) {
        if (expected instanceof Collection<?> c && (expected instanceof java.util.Queue
                || expected.getClass().getName().endsWith("UnmodifiableCollection"))) {
            // These classes compare by identity: compare their contents in order.
            assertNotNull(actual);
            assertEquals(new ArrayList<>(c), new ArrayList<>((Collection<?>) actual));
            return;
        }
        assertTrue(Arrays.deepEquals(new Object[] {expected}, new Object[] {actual}),
                () -> "expected " + describe(expected) + " but got " + describe(actual));
    }

    private static String describe(Object value) {
        if (value != null && value.getClass().isArray()) {
            String s = Arrays.deepToString(new Object[] {value});
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }
        String s = String.valueOf(value);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
