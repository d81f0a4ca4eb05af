package dev.baton.cli.internal.inspect;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.flow.CaughtException;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.UUID;

/**
 * Renders an artifact value for people: simple values with {@code toString}, anything structured (collections,
 * maps, arrays, records, beans, plain objects by their fields) as pretty JSON. Output is capped at a number of
 * characters and says where it was cut; rendering stops at the cap, so a huge value costs bounded memory.
 */
final class ValueFormatter {
    private final int maxChars;
    private final ObjectMapper mapper;

    /** @param maxChars the cap; 0 or less for none */
    ValueFormatter(int maxChars) {
        this.maxChars = maxChars <= 0 ? Integer.MAX_VALUE : maxChars;
        SimpleModule bytes = new SimpleModule("baton-dump");
        // Jackson writes byte[] as base64; people want the numbers, like every other array.
        bytes.addSerializer(byte[].class, new StdSerializer<>(byte[].class) {
            @Override
            public void serialize(byte[] value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeStartArray(value, value.length);
                for (byte b : value) {
                    gen.writeNumber(b);
                }
                gen.writeEndArray();
            }
        });
        this.mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(bytes)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                // plain user classes without getters still show their state
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .setVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);
    }

    /** True for values printed with {@code toString}. */
    static boolean isSimple(Object value) {
        return value == null
                || value instanceof CharSequence
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof Character
                || value instanceof Enum<?>
                || value instanceof TemporalAccessor
                || value instanceof TemporalAmount
                || value instanceof UUID
                || value instanceof URI
                || value instanceof Class<?>;
    }

    String format(Object value) {
        if (value instanceof CaughtException caught) {
            return cap(caught.type() + (caught.message() == null ? "" : ": " + caught.message())
                    + " (after " + caught.attempts() + " attempt" + (caught.attempts() == 1 ? "" : "s") + ")\n"
                    + caught.stackTrace().stripTrailing());
        }
        if (isSimple(value)) {
            return cap(String.valueOf(value));
        }
        CappedWriter out = new CappedWriter(maxChars);
        try {
            mapper.writeValue(out, value);
            return out.text();
        } catch (Exception | StackOverflowError e) {
            if (out.truncated) {
                return out.text() + truncationNote();
            }
            // A value Jackson cannot walk (a cycle, a class it refuses): fall back to the value's own words.
            return cap(String.valueOf(value));
        }
    }

    private String cap(String text) {
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + truncationNote();
    }

    private String truncationNote() {
        return "\n... (truncated at " + maxChars + " characters; --max-chars 0 prints everything)";
    }

    /** Keeps the first {@code max} characters and stops the writer there. */
    private static final class CappedWriter extends Writer {
        private final StringBuilder text = new StringBuilder();
        private final int max;
        private boolean truncated;

        CappedWriter(int max) {
            this.max = max;
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            int room = max - text.length();
            if (len > room) {
                text.append(buf, off, Math.max(room, 0));
                truncated = true;
                throw new IOException("dump output cap reached");
            }
            text.append(buf, off, len);
        }

        String text() {
            return text.toString();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
