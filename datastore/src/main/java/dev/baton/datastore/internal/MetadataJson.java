package dev.baton.datastore.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
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
 * The JSON form of the metadata records: pretty-printed (people read these files while debugging a run),
 * {@code Instant}s as ISO-8601 strings, unknown properties and unknown enum constants ignored on read so that an
 * older reader understands a newer writer's files.
 */
public final class MetadataJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .build();

    private MetadataJson() {}

    /**
     * Looks up (and caches in the mapper) the serializers and deserializers of the metadata records, and runs the
     * parser and generator once: the one-time cost of a process's first metadata read and write, paid here on
     * whichever thread calls this (see {@code Datastores.warmUp}).
     */
    public static void warmUp() {
        for (Class<?> type : List.of(RunRecord.class, AttemptRecord.class, TaskData.class, DoneRecord.class)) {
            MAPPER.readerFor(type); // an ObjectReader/ObjectWriter fetches its root (de)serializer eagerly into
            MAPPER.writerFor(type); // the mapper's caches, which readValue and writeValueAsBytes then find
        }
        read(write(Map.of("at", Instant.EPOCH)), Map.class, "warm-up");
    }

    static byte[] write(Object record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            // only our own records are written: failing here is a programming error, not a data problem
            throw new IllegalStateException("cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * @param where names the object in errors: the root and the path
     */
    static <T> T read(byte[] json, Class<T> type, String where) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new CorruptMetadataException("cannot read " + where + " as " + type.getSimpleName() + ": "
                    + (e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.toString()) + "; the file is damaged or was written by an incompatible Baton", e);
        }
    }
}
