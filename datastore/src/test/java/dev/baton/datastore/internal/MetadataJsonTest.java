package dev.baton.datastore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.CorruptMetadataException;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.DoneRecord.Outcome;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.datastore.meta.TaskData;
import dev.baton.flow.BatonException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The streaming {@link MetadataJson} against the databind mapper it replaced (configured exactly as it was): the
 * same bytes written, the same records read, and damage always a {@link CorruptMetadataException} naming the file.
 */
class MetadataJsonTest {

    /** The mapper MetadataJson used before it wrote and read with the streaming API. */
    private static final ObjectMapper DATABIND = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .build();

    private static final String WHERE = "TrainFlow/12/train/3/0.done.json in datastore /tmp/root";
    private static final String KEY_A = "ab" + "0".repeat(62);
    private static final String KEY_B = "cd" + "1".repeat(62);
    private static final Instant T0 = Instant.parse("2026-11-22T08:30:00.123456789Z");
    private static final String AWKWARD = "quote \" backslash \\ slash / tab \t newline \n cr \r nul \u0000 bell \u0007"
            + " del \u007f é ß 日本語 emoji \uD83D\uDE80 line-sep \u2028 bom \uFEFF";

    private static final List<Instant> INSTANTS = List.of(Instant.EPOCH, T0, Instant.parse("2026-11-22T08:30:00Z"),
            Instant.parse("2026-11-22T08:30:00.100Z"), Instant.parse("2026-11-22T08:30:00.120Z"),
            Instant.parse("2026-11-22T08:30:00.000001Z"), Instant.parse("2026-11-22T08:30:00.000000001Z"),
            Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("+12026-01-01T00:00:00Z"), Instant.MIN, Instant.MAX);

    /** Records with every field set, with nulls and empties, awkward strings, many entries, extreme numbers. */
    private static List<Object> records() {
        List<Object> records = new ArrayList<>();
        Map<String, ArtifactRef> manyRefs = new HashMap<>();
        Map<String, String> manyStrings = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            manyRefs.put("artifact_" + i, new ArtifactRef(i % 2 == 0 ? KEY_A : KEY_B, "java.util.List", i * 1000L));
            manyStrings.put("KEY_" + i, "value " + i);
        }
        for (Instant at : INSTANTS) {
            records.add(new RunRecord("TrainFlow", "12", "alice", List.of("user:alice", "exp"),
                    Map.of("learningRate", new ArtifactRef(KEY_A, "java.lang.Double", 9)), "11", RunStatus.SUCCEEDED,
                    at, at, Map.of("scheduler", "local")));
        }
        records.add(new RunRecord(null, null, null, null, null, null, null, null, null, null));
        records.add(new RunRecord("TrainFlow", "sfn-" + AWKWARD, AWKWARD, List.of(AWKWARD, ""),
                Map.of(AWKWARD, new ArtifactRef(AWKWARD, AWKWARD, Long.MIN_VALUE)), AWKWARD, RunStatus.INTERRUPTED,
                T0, null, Map.of(AWKWARD, AWKWARD, "", "")));
        records.add(new RunRecord("TrainFlow", "13", "bob", List.of(), manyRefs, null, RunStatus.RUNNING, T0, null,
                manyStrings));
        for (RunStatus status : RunStatus.values()) {
            records.add(new RunRecord("F", "1", "u", List.of(), Map.of(), null, status, T0, null, Map.of()));
        }

        records.add(new AttemptRecord(3, T0, "host-a", 4242L, List.of("12/start/1", "12/a/2"), 2,
                Map.of("AWS_BATCH_JOB_ID", "job-1", "AWS_BATCH_JOB_ATTEMPT", "2")));
        records.add(new AttemptRecord(0, null, null, 0, null, null, null));
        records.add(new AttemptRecord(Integer.MAX_VALUE, Instant.MIN, AWKWARD, Long.MAX_VALUE, List.of(AWKWARD),
                Integer.MIN_VALUE, manyStrings));
        records.add(new AttemptRecord(Integer.MIN_VALUE, Instant.MAX, "", -1, List.of(), 0, Map.of()));

        Map<String, ArtifactRef> withNull = new TreeMap<>(Map.of("a", new ArtifactRef(KEY_A, "T", 1)));
        withNull.put("nothing", null); // a TreeMap holds a null value: the record keeps it, the JSON says null
        records.add(new TaskData(Map.of("loss", new ArtifactRef(KEY_A, "java.lang.Double", 9)),
                List.of(new TaskData.Frame("start", "1", 2, 3, KEY_B), new TaskData.Frame("inner", "7", 0, 1, KEY_A)),
                List.of(new ArtifactRef(KEY_A, "java.lang.String", 5), new ArtifactRef(KEY_B, "java.lang.String", 6))));
        records.add(new TaskData(null, null, null));
        records.add(new TaskData(withNull, List.of(new TaskData.Frame(null, null, -1, Integer.MAX_VALUE, null)),
                List.of(new ArtifactRef(null, null, 0))));
        records.add(new TaskData(manyRefs, List.of(new TaskData.Frame(AWKWARD, AWKWARD, 0, 0, AWKWARD)),
                new ArrayList<>(manyRefs.values())));

        for (Outcome outcome : Outcome.values()) {
            records.add(new DoneRecord(1, outcome, T0, T0.plusSeconds(1), List.of("join"), 4, "case-a",
                    new DoneRecord.ErrorRecord("java.lang.IllegalStateException", "boom", "at x.y(Z.java:1)\n\tat a"),
                    "TrainFlow/11/train/3"));
        }
        records.add(new DoneRecord(0, null, null, null, null, null, null, null, null));
        records.add(new DoneRecord(0, Outcome.FAILED, T0, T0, List.of(), null, null,
                new DoneRecord.ErrorRecord(null, null, null), null));
        records.add(new DoneRecord(-7, Outcome.SUCCEEDED, T0, T0, List.of("a", "b", AWKWARD), Integer.MAX_VALUE,
                AWKWARD, new DoneRecord.ErrorRecord(AWKWARD, AWKWARD, AWKWARD.repeat(200)), AWKWARD));
        return records;
    }

    @Test
    void writesTheSameBytesAsTheDatabindMapper() throws IOException {
        for (Object record : records()) {
            byte[] expected = DATABIND.writeValueAsBytes(record);
            byte[] actual = MetadataJson.write(record);
            assertEquals(new String(expected, StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8),
                    record.toString());
            assertArrayEquals(expected, actual, record.toString());
        }
    }

    @Test
    void theFormatIsPrettyPrintedWithIsoInstants() {
        byte[] json = MetadataJson.write(new DoneRecord(1, Outcome.SUCCEEDED, T0, null, List.of("join"), null, null,
                null, null));
        assertEquals("""
                {
                  "attempt" : 1,
                  "outcome" : "SUCCEEDED",
                  "startedAt" : "2026-11-22T08:30:00.123456789Z",
                  "finishedAt" : null,
                  "next" : [ "join" ],
                  "foreachCardinality" : null,
                  "switchValue" : null,
                  "error" : null,
                  "originPathspec" : null
                }""", new String(json, StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsBothWaysWithTheDatabindMapper() throws IOException {
        for (Object record : records()) {
            Class<?> type = record.getClass();
            assertEquals(record, MetadataJson.read(DATABIND.writeValueAsBytes(record), type, WHERE), "databind wrote");
            assertEquals(record, DATABIND.readValue(MetadataJson.write(record), type), "streaming wrote");
            assertEquals(record, MetadataJson.read(MetadataJson.write(record), type, WHERE), "streaming both ways");
        }
    }

    @Test
    void readsWhatTheDatabindMapperReadsOfToleratedVariations() throws IOException {
        // each document is read by both; the records must be equal
        List<Map.Entry<Class<?>, String>> documents = List.of(
                // unknown fields of every shape, at the top and in nested records, before and after known ones
                doc(RunRecord.class, "{'future':{'x':[1,{'y':null}],'z':'w'},'flow':'F','runId':'7','more':[[],{}],"
                        + "'status':'RUNNING','n':1.5e300,'b':true,'s':'x','nil':null,"
                        + "'parameters':{'p':{'key':'k','extra':{'a':[1,2]},'type':'T','size':3,'more':'x'}},"
                        + "'createdAt':'2026-11-22T08:30:00Z','last':false}"),
                doc(TaskData.class, "{'foreachStack':[{'step':'s','x':[{}],'splitTask':'1','index':2,'count':3,"
                        + "'itemKey':'k','y':{}}],'artifacts':{},'foreachItems':[{'key':'k','new':1}]}"),
                doc(DoneRecord.class, "{'attempt':2,'error':{'type':'T','message':'m','stackTrace':'s','cause':{}},"
                        + "'outcome':'SUCCEEDED','future':[1,2,3]}"),
                // unknown enum constants (a newer Baton's) as null; a number as the constant's index
                doc(RunRecord.class, "{'status':'PAUSED_BY_A_NEWER_BATON'}"),
                doc(DoneRecord.class, "{'outcome':'RETRIED'}"),
                doc(DoneRecord.class, "{'outcome':'succeeded'}"),
                doc(DoneRecord.class, "{'outcome':''}"),
                doc(DoneRecord.class, "{'outcome':1}"),
                doc(DoneRecord.class, "{'outcome':99}"),
                // missing fields: null, or 0 for int/long, and the records' own empty collections
                doc(RunRecord.class, "{}"),
                doc(AttemptRecord.class, "{}"),
                doc(TaskData.class, "{}"),
                doc(DoneRecord.class, "{}"),
                doc(TaskData.class, "{'foreachStack':[{}],'foreachItems':[{}],'artifacts':{'a':{}}}"),
                // explicit nulls for every field, primitives included
                doc(AttemptRecord.class, "{'attempt':null,'startedAt':null,'host':null,'pid':null,'inputPaths':null,"
                        + "'splitIndex':null,'environment':null}"),
                doc(DoneRecord.class, "{'attempt':null,'outcome':null,'startedAt':null,'finishedAt':null,'next':null,"
                        + "'foreachCardinality':null,'switchValue':null,'error':null,'originPathspec':null}"),
                doc(TaskData.class, "{'artifacts':{'a':null},'foreachStack':null,'foreachItems':null}"),
                // fields in another order, duplicates (the last wins)
                doc(AttemptRecord.class, "{'pid':9,'host':'h','attempt':1,'attempt':2,'host':'h2'}"),
                // numbers: fractions cut off, numeric strings, scalars as strings
                doc(AttemptRecord.class, "{'attempt':'3','pid':' 77 ','splitIndex':'','startedAt':''}"),
                doc(AttemptRecord.class, "{'attempt':2.9,'pid':1e3,'splitIndex':-4.5}"),
                doc(RunRecord.class, "{'flow':12,'runId':1.5,'user':true,'originRunId':false,'tags':[1,true,'x']}"),
                doc(DoneRecord.class, "{'foreachCardinality':'12','switchValue':3,'next':[]}"),
                // instants: ISO-8601 with and without fractions, epoch seconds as numbers and strings
                doc(RunRecord.class, "{'createdAt':'2026-11-22T08:30:00.5Z','finishedAt':'+12026-01-01T00:00:00Z'}"),
                // (not negative fractions: JavaTimeModule reads -1.25 as -0.75 s, a bug not worth copying)
                doc(RunRecord.class, "{'createdAt':1700000000,'finishedAt':-1}"),
                doc(RunRecord.class, "{'createdAt':'1700000000','finishedAt':'1700000000.123456789'}"),
                doc(RunRecord.class, "{'createdAt':0.000000001,'finishedAt':'-7'}"),
                // whitespace everywhere, and anything after the record is not read
                doc(DoneRecord.class, " \n\t{ 'attempt' :\n 4 , 'next' : [ 'a' , 'b' ] }\n"),
                doc(DoneRecord.class, "{'attempt':4} trailing"),
                doc(DoneRecord.class, "{'attempt':4}{'attempt':5}"));
        for (Map.Entry<Class<?>, String> document : documents) {
            byte[] json = document.getValue().getBytes(StandardCharsets.UTF_8);
            Object expected = DATABIND.readValue(json, document.getKey());
            assertEquals(expected, MetadataJson.read(json, document.getKey(), WHERE), document.getValue());
        }
        // and the values are what a reader expects (not only what databind happens to do)
        assertNull(read(RunRecord.class, "{'status':'PAUSED_BY_A_NEWER_BATON'}").status());
        AttemptRecord empty = read(AttemptRecord.class, "{}");
        assertEquals(new AttemptRecord(0, null, null, 0, List.of(), null, Map.of()), empty);
        assertEquals(Instant.ofEpochSecond(1700000000L, 123456789),
                read(RunRecord.class, "{'finishedAt':'1700000000.123456789'}").finishedAt());
    }

    @Test
    void everyTruncationOfAFileIsANamedError() {
        for (Object record : records()) {
            byte[] json = MetadataJson.write(record);
            if (json.length > 4096) {
                continue; // the large records repeat what the small ones hold; every prefix of them costs a parse
            }
            for (int i = 0; i < json.length; i++) {
                int length = i;
                byte[] truncated = Arrays.copyOf(json, length);
                CorruptMetadataException e = assertThrows(CorruptMetadataException.class,
                        () -> MetadataJson.read(truncated, record.getClass(), WHERE),
                        () -> "truncated to " + length + ": " + new String(truncated, StandardCharsets.UTF_8));
                assertTrue(e.getMessage().startsWith("cannot read " + WHERE + " as " + record.getClass()
                        .getSimpleName() + ": "), e.getMessage());
            }
        }
    }

    @Test
    void randomDamageIsReadOrANamedErrorNeverAnotherException() {
        Random random = new Random(20261122);
        byte[] junk = "{}[]\":,0-1.e+Ztrufalsn \\\u00e9\uD83D".getBytes(StandardCharsets.UTF_8);
        List<Object> records = records().stream().filter(r -> MetadataJson.write(r).length < 4096).toList();
        for (int i = 0; i < 3000; i++) {
            Object record = records.get(random.nextInt(records.size()));
            byte[] json = MetadataJson.write(record);
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                int at = random.nextInt(json.length);
                json[at] = random.nextBoolean() ? junk[random.nextInt(junk.length)] : (byte) random.nextInt(256);
            }
            try {
                MetadataJson.read(json, record.getClass(), WHERE);
            } catch (CorruptMetadataException e) {
                assertTrue(e.getMessage().startsWith("cannot read " + WHERE + " as "), e.getMessage());
            }
        }
    }

    @Test
    void wrongTypesAreNamedErrorsThatSayWhichFieldAndWhatWasExpected() {
        // [type, document, what the message must name]: each also rejected by the databind mapper
        List<String[]> cases = List.of(
                new String[] {"RunRecord", "{'tags':'x'}", "/tags", "an array"},
                new String[] {"RunRecord", "{'tags':{}}", "/tags", "an array"},
                new String[] {"RunRecord", "{'tags':[[]]}", "/tags/0", "a string"},
                new String[] {"RunRecord", "{'runId':{'a':1}}", "/runId", "a string"},
                new String[] {"RunRecord", "{'runId':[]}", "/runId", "a string"},
                new String[] {"RunRecord", "{'parameters':[]}", "/parameters", "an object"},
                new String[] {"RunRecord", "{'parameters':{'lr':'k'}}", "/parameters/lr", "an object"},
                new String[] {"RunRecord", "{'parameters':{'lr':{'size':'big'}}}", "/parameters/lr/size", "a long"},
                new String[] {"RunRecord", "{'attributes':{'a':{}}}", "/attributes/a", "a string"},
                new String[] {"RunRecord", "{'status':{}}", "/status", "RunStatus"},
                new String[] {"RunRecord", "{'status':true}", "/status", "RunStatus"},
                new String[] {"RunRecord", "{'createdAt':'yesterday'}", "/createdAt", "instant"},
                new String[] {"RunRecord", "{'createdAt':{}}", "/createdAt", "instant"},
                new String[] {"RunRecord", "{'createdAt':[1]}", "/createdAt", "instant"},
                new String[] {"RunRecord", "{'tags':['a',null]}", "RunRecord", "does not allow"},
                new String[] {"AttemptRecord", "{'attempt':'abc'}", "/attempt", "an int"},
                new String[] {"AttemptRecord", "{'attempt':{}}", "/attempt", "an int"},
                new String[] {"AttemptRecord", "{'attempt':true}", "/attempt", "an int"},
                new String[] {"AttemptRecord", "{'splitIndex':3000000000}", "/splitIndex", "out of range"},
                new String[] {"AttemptRecord", "{'pid':[]}", "/pid", "a long"},
                new String[] {"AttemptRecord", "{'environment':{'A':null}}", "AttemptRecord", "does not allow"},
                new String[] {"TaskData", "{'foreachStack':{}}", "/foreachStack", "an array"},
                new String[] {"TaskData", "{'foreachStack':[1]}", "/foreachStack/0", "an object"},
                new String[] {"TaskData", "{'foreachStack':[{'index':'x'}]}", "/foreachStack/0/index", "an int"},
                new String[] {"TaskData", "{'foreachItems':[{'size':{}}]}", "/foreachItems/0/size", "a long"},
                new String[] {"TaskData", "{'foreachItems':[null]}", "TaskData", "does not allow"},
                new String[] {"TaskData", "{'artifacts':'x'}", "/artifacts", "an object"},
                new String[] {"DoneRecord", "{'error':'boom'}", "/error", "an object"},
                new String[] {"DoneRecord", "{'error':{'message':{}}}", "/error/message", "a string"},
                new String[] {"DoneRecord", "{'next':'join'}", "/next", "an array"},
                new String[] {"DoneRecord", "[]", "at the top", "an object"},
                new String[] {"DoneRecord", "'done'", "at the top", "an object"},
                new String[] {"DoneRecord", "42", "at the top", "an object"},
                new String[] {"DoneRecord", "", "at the top", "the end of the input"},
                new String[] {"DoneRecord", "   ", "at the top", "the end of the input"},
                // not JSON at all: the parser's own message
                new String[] {"DoneRecord", "{attempt:1}", "DoneRecord", "Unexpected character"},
                new String[] {"DoneRecord", "{'attempt' 1}", "DoneRecord", "Unexpected character"},
                new String[] {"DoneRecord", "{'attempt':1,}", "DoneRecord", "Unexpected character"},
                new String[] {"DoneRecord", "{'attempt':1]", "DoneRecord", "Unexpected close marker"},
                new String[] {"DoneRecord", "PK\u0003\u0004 a zip", "DoneRecord", "Unrecognized token"},
                new String[] {"DoneRecord", "{'attempt':99999999999999999999999}", "/attempt", "out of range"},
                new String[] {"RunRecord", "{'createdAt':'1.2.3'}", "/createdAt", "\"1.2.3\", which is not one"},
                new String[] {"DoneRecord", "{'next':['a'", "end-of-input", "(line 1, column 13)"});
        for (String[] c : cases) {
            Class<?> type = switch (c[0]) {
                case "RunRecord" -> RunRecord.class;
                case "AttemptRecord" -> AttemptRecord.class;
                case "TaskData" -> TaskData.class;
                default -> DoneRecord.class;
            };
            byte[] json = c[1].replace('\'', '"').getBytes(StandardCharsets.UTF_8);
            if (!c[1].isBlank()) { // databind reads an empty document as a null record
                assertThrows(IOException.class, () -> DATABIND.readValue(json, type), "databind accepts " + c[1]);
            }
            CorruptMetadataException e = assertThrows(CorruptMetadataException.class,
                    () -> MetadataJson.read(json, type, WHERE), c[1]);
            String message = e.getMessage();
            assertTrue(message.startsWith("cannot read " + WHERE + " as " + c[0] + ": "), message);
            assertTrue(message.contains(c[2]) && message.contains(c[3]), c[1] + " -> " + message);
            assertTrue(message.endsWith("; the file is damaged or was written by an incompatible Baton"), message);
        }
    }

    @Test
    void whereTheDatabindMapperReturnedNonsenseTheReaderReportsDamage() throws IOException {
        // databind returned null for a "null" document, which its callers took for an absent record
        byte[] nothing = "null".getBytes(StandardCharsets.UTF_8);
        assertNull(DATABIND.readValue(nothing, RunRecord.class));
        CorruptMetadataException e = assertThrows(CorruptMetadataException.class,
                () -> MetadataJson.read(nothing, RunRecord.class, WHERE));
        assertTrue(e.getMessage().contains("expected an object at the top") && e.getMessage().contains("found null"),
                e.getMessage());

        // and it let epoch seconds beyond a long wrap around into some instant
        byte[] huge = "{\"createdAt\":1e300}".getBytes(StandardCharsets.UTF_8);
        assertTrue(DATABIND.readValue(huge, RunRecord.class).createdAt() != null);
        e = assertThrows(CorruptMetadataException.class, () -> MetadataJson.read(huge, RunRecord.class, WHERE));
        assertTrue(e.getMessage().contains("/createdAt") && e.getMessage().contains("1e300, which is not one"),
                e.getMessage());
    }

    @Test
    void onlyTheMetadataRecordsAreWrittenAndRead() {
        assertThrows(IllegalArgumentException.class, () -> MetadataJson.write(new ArtifactRef(KEY_A, "T", 1)));
        assertThrows(IllegalArgumentException.class,
                () -> MetadataJson.read("{}".getBytes(StandardCharsets.UTF_8), HashMap.class, WHERE));
    }

    /**
     * The streaming path needs neither databind nor the JavaTimeModule: warm-up, writes and reads run in a class
     * loader that cannot see them (a task's start-up must not pay for initialising databind).
     */
    @Test
    void needsNoDatabind() throws Exception {
        // the datastore's classes, the flow module's (BatonException) and jackson-core: nothing else
        List<URL> urls = new ArrayList<>();
        for (Class<?> from : List.of(MetadataJson.class, BatonException.class, JsonFactory.class)) {
            urls.add(from.getProtectionDomain().getCodeSource().getLocation());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class,
                    () -> loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"));
            Class<?> json = loader.loadClass(MetadataJson.class.getName());
            assertFalse(json == MetadataJson.class);
            json.getMethod("warmUp").invoke(null);
        }
    }

    private static Map.Entry<Class<?>, String> doc(Class<?> type, String json) {
        return Map.entry(type, json.replace('\'', '"'));
    }

    private static <T> T read(Class<T> type, String json) {
        return MetadataJson.read(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), type, WHERE);
    }
}
