package dev.baton.datastore.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.CorruptMetadataException;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of the metadata records ({@link RunRecord}, {@link AttemptRecord}, {@link TaskData},
 * {@link DoneRecord} and the records nested in them): pretty-printed (people read these files while debugging a
 * run), {@code Instant}s as ISO-8601 strings, unknown properties ignored and unknown enum constants read as null so
 * that an older reader understands a newer writer's files and the other way round.
 *
 * <p>Written and read with jackson-core's streaming generator and parser, field by field, rather than with a
 * databind {@code ObjectMapper}: building a mapper and introspecting the records cost every task 45-66 ms of CPU at
 * start-up (with the image's AppCDS archive), this path's whole warm-up costs about 9 ms, and a task loads no
 * databind class at all. The output is byte for byte what the databind mapper used before wrote
 * (fields in record component order, nulls written as {@code null}, jackson-core's {@link DefaultPrettyPrinter},
 * {@link Instant#toString()}), and the reader accepts what that mapper accepted of the files Baton wrote: missing
 * fields are null (0 for {@code int}/{@code long}), numbers may be JSON numbers or numeric strings, scalars read as
 * strings where a string is expected, duplicate fields keep the last value. The reader builds only these records
 * (no type information is taken from the bytes), so a damaged or hostile file can do no more than fail with a
 * {@link CorruptMetadataException}.
 */
public final class MetadataJson {

    /** Thread-safe and shared: it holds the symbol tables and buffer recyclers that make parsers cheap. */
    static final JsonFactory FACTORY = new JsonFactory();

    private MetadataJson() {}

    /**
     * Creates the JSON factory and runs the generator and parser over every record type once: the one-time cost of
     * a process's first metadata read and write (class loading and initialisation), paid here on whichever thread
     * calls this (see {@code Datastores.warmUp}).
     */
    public static void warmUp() {
        Instant now = Instant.EPOCH;
        ArtifactRef ref = new ArtifactRef("k", "t", 1);
        warmUp(new RunRecord("f", "1", "u", List.of("t"), Map.of("p", ref), null, RunRecord.RunStatus.RUNNING, now,
                null, Map.of("a", "b")), RunRecord.class);
        warmUp(new AttemptRecord(0, now, "h", 1, List.of("1/s/1"), 0, Map.of("e", "v")), AttemptRecord.class);
        warmUp(new TaskData(Map.of("a", ref), List.of(new TaskData.Frame("s", "1", 0, 1, "k")), List.of(ref)),
                TaskData.class);
        warmUp(new DoneRecord(0, DoneRecord.Outcome.FAILED, now, now, List.of("s"), 1, "v",
                new DoneRecord.ErrorRecord("t", "m", "s"), null), DoneRecord.class);
    }

    private static <T> void warmUp(T record, Class<T> type) {
        read(write(record), type, "warm-up");
    }

    /**
     * @param record one of the metadata records
     * @return its pretty-printed UTF-8 JSON
     */
    static byte[] write(Object record) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            // a new instance per document: DefaultPrettyPrinter keeps the nesting level as state
            gen.setPrettyPrinter(new DefaultPrettyPrinter());
            MetadataJsonWriter writer = new MetadataJsonWriter(gen);
            if (record instanceof RunRecord run) {
                writer.run(run);
            } else if (record instanceof AttemptRecord attempt) {
                writer.attempt(attempt);
            } else if (record instanceof TaskData data) {
                writer.data(data);
            } else if (record instanceof DoneRecord done) {
                writer.done(done);
            } else {
                throw new IllegalArgumentException("not a metadata record: " + record.getClass().getName());
            }
        } catch (IOException e) {
            // only our own records are written to memory: failing here is a programming error, not a data problem
            throw new IllegalStateException("cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
        return out.toByteArray();
    }

    /**
     * @param json the file's bytes
     * @param type {@link RunRecord}, {@link AttemptRecord}, {@link TaskData} or {@link DoneRecord}
     * @param where names the object in errors: the root and the path
     * @throws CorruptMetadataException when the bytes are not JSON or not the record
     */
    static <T> T read(byte[] json, Class<T> type, String where) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            MetadataJsonReader reader = new MetadataJsonReader(parser, where, type.getSimpleName());
            Object record;
            if (type == RunRecord.class) {
                record = reader.run();
            } else if (type == AttemptRecord.class) {
                record = reader.attempt();
            } else if (type == TaskData.class) {
                record = reader.data();
            } else if (type == DoneRecord.class) {
                record = reader.done();
            } else {
                throw new IllegalArgumentException("not a metadata record type: " + type.getName());
            }
            return type.cast(record);
        } catch (IOException e) {
            // malformed or truncated JSON, a number out of range: the parser's own message says what and where
            String detail = e.toString();
            if (e instanceof JsonProcessingException parse) {
                JsonLocation at = parse.getLocation();
                detail = parse.getOriginalMessage()
                        + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
            }
            throw MetadataJsonReader.corrupt(where, type.getSimpleName(), detail, e);
        }
    }
}
