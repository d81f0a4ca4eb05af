package dev.baton.datastore.internal.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.spi.ObjectStore;
import dev.baton.testsupport.FaultInjectingProxy;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What bodies carry over plain http: by default {@code UNSIGNED-PAYLOAD} (as the SDK sends to S3 over https) with
 * a CRC32 the server checks, on single PUTs and on every multipart part; with {@code s3.signPayloads=true}, the
 * SDK's SHA-256 of the body. Either way the server accepts the signature and stores the right bytes.
 */
class S3PayloadSigningTest {
    private static final int MIB = 1 << 20;

    private FaultInjectingProxy recorder;
    private String bucket;

    @BeforeEach
    void start() {
        bucket = SharedS3.server().createBucket();
        recorder = FaultInjectingProxy.passThrough(SharedS3.server().endpoint());
    }

    @AfterEach
    void stop() {
        recorder.close();
    }

    private S3ObjectStore store(boolean signPayloads) {
        Map<String, String> settings = SharedS3.settings(recorder.endpoint());
        settings.put("s3.signPayloads", Boolean.toString(signPayloads));
        settings.put("s3.conditionalWrites", "true");
        return S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of());
    }

    /** The value of {@code header} in the recorded request heads that start with {@code requestLine}. */
    private List<String> headers(String requestLine, String header) {
        String prefix = header.toLowerCase(Locale.ROOT) + ":";
        return recorder.requestHeads().stream()
                .filter(h -> h.startsWith(requestLine))
                .map(h -> h.lines()
                        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                        .map(l -> l.substring(prefix.length()).trim())
                        .findFirst().orElse("<none>"))
                .toList();
    }

    private static String crc32(byte[] bytes, int from, int to) {
        CRC32 crc = new CRC32();
        crc.update(bytes, from, to - from);
        return S3ObjectStore.crc32(crc.getValue());
    }

    @Test
    void bodiesGoUnsignedWithTheirCrc32ByDefault() throws Exception {
        byte[] small = "a small value".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] large = new byte[11 * MIB + 5]; // 5 MiB parts: 5 + 5 + 1
        new Random(11).nextBytes(large);
        try (S3ObjectStore store = store(false)) {
            store.write("F/small", small);
            assertTrue(store.writeIfAbsent("F/data/sm/small", small));
            try (ObjectStore.Staged staged = store.stage()) {
                staged.out().write(large);
                assertTrue(staged.commitIfAbsent("F/data/la/large"));
            }
            assertArrayEquals(small, store.read("F/small").orElseThrow());
            assertArrayEquals(small, store.read("F/data/sm/small").orElseThrow());
            try (InputStream in = store.open("F/data/la/large")) {
                assertArrayEquals(large, in.readAllBytes());
            }
        }
        List<String> puts = headers("PUT /" + bucket + "/baton/F/", "x-amz-content-sha256");
        assertEquals(5, puts.size(), "2 small PUTs + 3 parts: " + recorder.requestHeads());
        assertTrue(puts.stream().allMatch("UNSIGNED-PAYLOAD"::equals), puts.toString());
        List<String> completion = headers("POST /" + bucket + "/baton/F/data/la/large?uploadId", "x-amz-content-sha256");
        assertEquals(1, completion.size(), recorder.requestHeads().toString());
        assertTrue(completion.get(0).matches("[0-9a-f]{64}"), "a body without a checksum stays signed: " + completion);
        List<String> crcs = headers("PUT /" + bucket + "/baton/F/", "x-amz-checksum-crc32");
        assertEquals(List.of(crc32(small, 0, small.length), crc32(small, 0, small.length),
                crc32(large, 0, 5 * MIB), crc32(large, 5 * MIB, 10 * MIB), crc32(large, 10 * MIB, large.length)),
                crcs.size() == 5 ? sortedParts(crcs) : crcs);
    }

    /** The small PUTs first, then the parts in part order (they go up in parallel, in any order). */
    private List<String> sortedParts(List<String> crcs) {
        List<String> heads = recorder.requestHeads().stream()
                .filter(h -> h.startsWith("PUT /" + bucket + "/baton/F/"))
                .toList();
        String[] ordered = new String[5];
        int small = 0;
        for (int i = 0; i < heads.size(); i++) {
            String line = heads.get(i).lines().findFirst().orElseThrow();
            int at = line.indexOf("partNumber=");
            if (at < 0) {
                ordered[small++] = crcs.get(i);
            } else {
                ordered[1 + Integer.parseInt(line.substring(at + 11).split("[&\\s]")[0])] = crcs.get(i);
            }
        }
        return List.of(ordered);
    }

    @Test
    void signedPayloadsCarryTheBodysSha256() throws Exception {
        byte[] value = "signed".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (S3ObjectStore store = store(true)) {
            store.write("F/signed", value);
            assertArrayEquals(value, store.read("F/signed").orElseThrow());
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        assertEquals(List.of(sha), headers("PUT /" + bucket + "/baton/F/signed", "x-amz-content-sha256"));
    }
}
