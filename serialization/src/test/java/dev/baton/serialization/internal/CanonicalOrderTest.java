package dev.baton.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.serialization.ArtifactCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code Set.of}/{@code Map.of} values are written in their elements' natural order, not in their salted
 * iteration order, so their bytes (and content key) are the same in every JVM.
 */
class CanonicalOrderTest {
    private static final ArtifactCodec PLAIN = ArtifactCodec.builder().compressionLevel(0).build();
    private static final List<String> WORDS = List.of("apple", "banana", "cherry", "damson", "elderberry", "feijoa",
            "grape", "hazelnut", "ilama", "jujube", "kumquat", "lemon");

    private static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PLAIN.encode("words", value, out);
        return out.toByteArray();
    }

    /** Where each word's first four letters occur in the blob (level 0: the serialized bytes as they are). */
    private static List<Integer> positions(byte[] blob, List<String> words) {
        String text = new String(blob, StandardCharsets.ISO_8859_1);
        List<Integer> at = new ArrayList<>();
        for (String word : words) {
            int i = text.indexOf(word.substring(0, 4));
            assertTrue(i >= 0, word + " not found");
            at.add(i);
        }
        return at;
    }

    private static void assertIncreasing(List<Integer> positions) {
        List<Integer> sorted = new ArrayList<>(positions);
        Collections.sort(sorted);
        assertEquals(sorted, positions, "written in natural order");
    }

    @Test
    void setOfIsWrittenInNaturalOrderAndReadsBackEqual() {
        List<String> shuffled = new ArrayList<>(WORDS);
        Collections.shuffle(shuffled, new java.util.Random(7));
        Set<String> value = Set.of(shuffled.toArray(new String[0]));
        byte[] blob = encode(value);
        assertIncreasing(positions(blob, WORDS));
        assertEquals(value, PLAIN.decode("words", null, new ByteArrayInputStream(blob)));
        // built in another order, and through Set.copyOf and a collector: the same bytes
        assertArrayEquals(blob, encode(Set.of(WORDS.toArray(new String[0]))));
        assertArrayEquals(blob, encode(Set.copyOf(shuffled)));
        assertArrayEquals(blob, encode(shuffled.stream().collect(Collectors.toUnmodifiableSet())));
    }

    @Test
    void mapOfIsWrittenInKeyOrderAndReadsBackEqual() {
        Map<String, Integer> value = Map.of("lemon", 1, "apple", 2, "grape", 3, "damson", 4, "banana", 5);
        byte[] blob = encode(value);
        assertIncreasing(positions(blob, List.of("apple", "banana", "damson", "grape", "lemon")));
        assertEquals(value, PLAIN.decode("words", null, new ByteArrayInputStream(blob)));
        assertArrayEquals(blob, encode(Map.copyOf(new java.util.TreeMap<>(value))));
    }

    @Test
    void nestedTwoElementSetsAndEnumsAreCanonicalToo() {
        Map<String, Set<Object>> value = Map.of("units", Set.of(TimeUnit.SECONDS, TimeUnit.DAYS, TimeUnit.NANOSECONDS),
                "pair", Set.of("lemon", "apple"));
        byte[] blob = encode(value);
        assertIncreasing(positions(blob, List.of("apple", "lemon")));
        assertEquals(value, PLAIN.decode("words", null, new ByteArrayInputStream(blob)));
        assertArrayEquals(new Object[] {TimeUnit.NANOSECONDS, TimeUnit.SECONDS, TimeUnit.DAYS},
                CanonicalOrderSerializers.sortedOrNull(value.get("units")));
    }

    @Test
    void mixedUserAndLargeCollectionsKeepTheirOrderAndStillRoundTrip() {
        assertNull(CanonicalOrderSerializers.sortedOrNull(Set.of(1, "one")), "mixed classes");
        assertNull(CanonicalOrderSerializers.sortedOrNull(Set.of(new Object(), new Object())), "not Comparable");
        Set<Integer> large = IntStream.range(0, CanonicalOrderSerializers.MAX_SORTED + 1).boxed()
                .collect(Collectors.toUnmodifiableSet());
        assertNull(CanonicalOrderSerializers.sortedOrNull(large), "over the size limit");
        for (Object value : new Object[] {Set.of(1, "one", 2.5), large, Map.of(1, "x", "y", 2)}) {
            assertEquals(value, PLAIN.decode("v", null, new ByteArrayInputStream(encode(value))));
        }
    }
}
