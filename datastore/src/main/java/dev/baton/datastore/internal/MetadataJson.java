package dev.baton.datastore.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.datastore.CorruptMetadataException;
import java.io.IOException;

/**
 * The JSON form of the metadata records: pretty-printed (people read these files while debugging a run),
 * {@code Instant}s as ISO-8601 strings, unknown properties and unknown enum constants ignored on read so that an
 * older reader understands a newer writer's files.
 */
final class MetadataJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .build();

    private MetadataJson() {}

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
