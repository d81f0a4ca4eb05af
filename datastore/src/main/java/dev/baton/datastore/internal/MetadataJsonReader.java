package dev.baton.datastore.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.CorruptMetadataException;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one metadata record from a parser, accepting what a databind {@code ObjectMapper} configured as
 * {@link MetadataJson} describes accepted for these records: fields in any order, unknown fields (of any shape)
 * skipped, missing or null fields as null (0 for {@code int}/{@code long}), the last of duplicate fields, numbers as
 * JSON numbers or numeric strings, JSON scalars as strings, unknown enum constants as null, instants as ISO-8601
 * strings or epoch seconds. Anything else is a {@link CorruptMetadataException} naming the file, the field (as a
 * JSON pointer) and what was expected. Only the metadata records and JDK collections and values are built: nothing
 * in the bytes chooses a class.
 *
 * <p>Each value method starts at the value's first token (the parser's current token) and ends at its last.
 */
final class MetadataJsonReader {

    private final JsonParser p;
    private final String where;
    private final String typeName;

    MetadataJsonReader(JsonParser parser, String where, String typeName) {
        this.p = parser;
        this.where = where;
        this.typeName = typeName;
    }

    RunRecord run() throws IOException {
        root();
        String flow = null;
        String runId = null;
        String user = null;
        List<String> tags = null;
        Map<String, ArtifactRef> parameters = null;
        String originRunId = null;
        RunRecord.RunStatus status = null;
        Instant createdAt = null;
        Instant finishedAt = null;
        Map<String, String> attributes = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            switch (field) {
                case "flow" -> flow = string();
                case "runId" -> runId = string();
                case "user" -> user = string();
                case "tags" -> tags = list(this::string);
                case "parameters" -> parameters = map(this::ref);
                case "originRunId" -> originRunId = string();
                case "status" -> status = constant(RunRecord.RunStatus.values());
                case "createdAt" -> createdAt = instant();
                case "finishedAt" -> finishedAt = instant();
                case "attributes" -> attributes = map(this::string);
                default -> p.skipChildren();
            }
        }
        try {
            return new RunRecord(flow, runId, user, tags, parameters, originRunId, status, createdAt, finishedAt,
                    attributes);
        } catch (RuntimeException e) {
            throw invalid(e);
        }
    }

    AttemptRecord attempt() throws IOException {
        root();
        int attempt = 0;
        Instant startedAt = null;
        String host = null;
        long pid = 0;
        List<String> inputPaths = null;
        Integer splitIndex = null;
        Map<String, String> environment = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            switch (field) {
                case "attempt" -> attempt = intValue();
                case "startedAt" -> startedAt = instant();
                case "host" -> host = string();
                case "pid" -> pid = longValue();
                case "inputPaths" -> inputPaths = list(this::string);
                case "splitIndex" -> splitIndex = integer();
                case "environment" -> environment = map(this::string);
                default -> p.skipChildren();
            }
        }
        try {
            return new AttemptRecord(attempt, startedAt, host, pid, inputPaths, splitIndex, environment);
        } catch (RuntimeException e) {
            throw invalid(e);
        }
    }

    TaskData data() throws IOException {
        root();
        Map<String, ArtifactRef> artifacts = null;
        List<TaskData.Frame> foreachStack = null;
        List<ArtifactRef> foreachItems = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            switch (field) {
                case "artifacts" -> artifacts = map(this::ref);
                case "foreachStack" -> foreachStack = list(this::frame);
                case "foreachItems" -> foreachItems = list(this::ref);
                default -> p.skipChildren();
            }
        }
        try {
            return new TaskData(artifacts, foreachStack, foreachItems);
        } catch (RuntimeException e) {
            throw invalid(e);
        }
    }

    DoneRecord done() throws IOException {
        root();
        int attempt = 0;
        DoneRecord.Outcome outcome = null;
        Instant startedAt = null;
        Instant finishedAt = null;
        List<String> next = null;
        Integer foreachCardinality = null;
        String switchValue = null;
        DoneRecord.ErrorRecord error = null;
        String originPathspec = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            switch (field) {
                case "attempt" -> attempt = intValue();
                case "outcome" -> outcome = constant(DoneRecord.Outcome.values());
                case "startedAt" -> startedAt = instant();
                case "finishedAt" -> finishedAt = instant();
                case "next" -> next = list(this::string);
                case "foreachCardinality" -> foreachCardinality = integer();
                case "switchValue" -> switchValue = string();
                case "error" -> error = error();
                case "originPathspec" -> originPathspec = string();
                default -> p.skipChildren();
            }
        }
        try {
            return new DoneRecord(attempt, outcome, startedAt, finishedAt, next, foreachCardinality, switchValue, error,
                    originPathspec);
        } catch (RuntimeException e) {
            throw invalid(e);
        }
    }

    /** The root must be an object: an empty file, {@code null} or another value is damage, not a record. */
    private void root() throws IOException {
        JsonToken token = p.nextToken();
        if (token != JsonToken.START_OBJECT) {
            throw mismatch("an object");
        }
    }

    private DoneRecord.ErrorRecord error() throws IOException {
        if (!startObject()) {
            return null;
        }
        String type = null;
        String message = null;
        String stackTrace = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            switch (field) {
                case "type" -> type = string();
                case "message" -> message = string();
                case "stackTrace" -> stackTrace = string();
                default -> p.skipChildren();
            }
        }
        return new DoneRecord.ErrorRecord(type, message, stackTrace);
    }

    private TaskData.Frame frame() throws IOException {
        if (!startObject()) {
            return null;
        }
        String step = null;
        String splitTask = null;
        int index = 0;
        int count = 0;
        String itemKey = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            switch (field) {
                case "step" -> step = string();
                case "splitTask" -> splitTask = string();
                case "index" -> index = intValue();
                case "count" -> count = intValue();
                case "itemKey" -> itemKey = string();
                default -> p.skipChildren();
            }
        }
        return new TaskData.Frame(step, splitTask, index, count, itemKey);
    }

    private ArtifactRef ref() throws IOException {
        if (!startObject()) {
            return null;
        }
        String key = null;
        String type = null;
        long size = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            switch (field) {
                case "key" -> key = string();
                case "type" -> type = string();
                case "size" -> size = longValue();
                default -> p.skipChildren();
            }
        }
        return new ArtifactRef(key, type, size);
    }

    /** True at an object's start, false at null; anything else is a mismatch. */
    private boolean startObject() throws IOException {
        return start(JsonToken.START_OBJECT, "an object");
    }

    /** True at an array's start, false at null; anything else is a mismatch. */
    private boolean startArray() throws IOException {
        return start(JsonToken.START_ARRAY, "an array");
    }

    private boolean start(JsonToken open, String expected) throws IOException {
        JsonToken token = p.currentToken();
        if (token == open) {
            return true;
        }
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        throw mismatch(expected);
    }

    /** Reads one element of a list or value of a map, at its first token. */
    @FunctionalInterface
    private interface Element<T> {
        T read() throws IOException;
    }

    /** A JSON array of {@code element}s, or null. */
    private <T> List<T> list(Element<T> element) throws IOException {
        if (!startArray()) {
            return null;
        }
        List<T> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            values.add(element.read());
        }
        return values;
    }

    /** A JSON object of {@code element}s by name, in the file's order, or null. */
    private <T> Map<String, T> map(Element<T> element) throws IOException {
        if (!startObject()) {
            return null;
        }
        Map<String, T> values = new LinkedHashMap<>();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            values.put(field, element.read());
        }
        return values;
    }

    private String string() throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != null && token.isScalarValue()) {
            return p.getText();
        }
        throw mismatch("a string");
    }

    private int intValue() throws IOException {
        Integer value = integer();
        return value == null ? 0 : value;
    }

    /** A JSON number (a fraction is cut off) or a numeric string; null or an empty string as null. */
    private Integer integer() throws IOException {
        Long value = number("an int");
        if (value == null) {
            return null;
        }
        if (value != value.intValue()) {
            throw mismatch("an int", "the number " + value + " is out of range");
        }
        return value.intValue();
    }

    private long longValue() throws IOException {
        Long value = number("a long");
        return value == null ? 0 : value;
    }

    private Long number(String expected) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            try {
                return p.getLongValue();
            } catch (InputCoercionException e) {
                throw mismatch(expected, "the number " + p.getText() + " is out of range");
            }
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_STRING) {
            String text = p.getText().trim();
            if (text.isEmpty()) {
                return null;
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw mismatch(expected, "\"" + text + "\" is not a number");
            }
        }
        throw mismatch(expected);
    }

    /**
     * An ISO-8601 instant as {@link Instant#parse} reads it (what Baton writes); null or an empty string as null;
     * like JavaTimeModule, also epoch seconds as a number or a string of digits, with a fraction for nanoseconds.
     */
    private Instant instant() throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        try {
            if (token == JsonToken.VALUE_NUMBER_INT) {
                return Instant.ofEpochSecond(p.getLongValue());
            }
            if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                return epochSeconds(p.getDecimalValue());
            }
            if (token == JsonToken.VALUE_STRING) {
                String text = p.getText().trim();
                if (text.isEmpty()) {
                    return null;
                }
                return isDecimal(text) ? epochSeconds(new BigDecimal(text)) : Instant.parse(text);
            }
        } catch (DateTimeException | ArithmeticException | InputCoercionException e) {
            // not an instant, or out of Instant's range
            String text = p.getText().trim();
            throw mismatch("an ISO-8601 instant string",
                    "found " + (token == JsonToken.VALUE_STRING ? "\"" + text + "\"" : text) + ", which is not one");
        }
        throw mismatch("an ISO-8601 instant string");
    }

    /** Digits with at most one '.', and an optional leading '-': JavaTimeModule takes such a string as seconds. */
    private static boolean isDecimal(String text) {
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.') {
                dots++;
            } else if (c != '-' || i != 0) {
                return false;
            }
        }
        return digits > 0 && dots <= 1;
    }

    /** As JavaTimeModule splits a decimal number of seconds: whole seconds toward zero, the rest as nanoseconds. */
    private static Instant epochSeconds(BigDecimal seconds) {
        long whole = seconds.setScale(0, RoundingMode.DOWN).longValueExact();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(whole, nanos);
    }

    /** A constant by name; an unknown name (a newer Baton's) as null, as databind does when told to. */
    private <E extends Enum<E>> E constant(E[] constants) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            // databind takes a number as the constant's index
            long index = p.getLongValue();
            return index >= 0 && index < constants.length ? constants[(int) index] : null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw mismatch("a " + constants[0].getDeclaringClass().getSimpleName() + " name");
        }
        String name = p.getText();
        for (E constant : constants) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        return null;
    }

    /**
     * The records' own checks (no null elements in their lists, for one) failed: damage in the file too. (A
     * try/catch around each constructor, not a lambda: a task's first lambda of a kind costs start-up time.)
     */
    private CorruptMetadataException invalid(RuntimeException e) {
        return corrupt(where, typeName, "a value the record does not allow (" + e + ")", e);
    }

    private CorruptMetadataException mismatch(String expected) {
        JsonToken token = p.currentToken();
        return mismatch(expected, "found " + (token == null ? "the end of the input" : describe(token)));
    }

    private CorruptMetadataException mismatch(String expected, String found) {
        // at an object's or array's start the parser is already inside it: the field is its parent's
        JsonToken token = p.currentToken();
        JsonStreamContext context = p.getParsingContext();
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && context.getParent() != null) {
            context = context.getParent();
        }
        JsonPointer at = context.pathAsPointer();
        String field = at.matches() ? "at the top" : "for field " + at;
        var location = p.currentTokenLocation();
        return corrupt(where, typeName, "expected " + expected + " " + field + " (line " + location.getLineNr()
                + ", column " + location.getColumnNr() + ") but " + found, null);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    static CorruptMetadataException corrupt(String where, String typeName, String detail, Throwable cause) {
        return new CorruptMetadataException("cannot read " + where + " as " + typeName + ": " + detail
                + "; the file is damaged or was written by an incompatible Baton", cause);
    }
}
