package dev.baton.executor.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.ParameterSpec;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns {@code --<param> value} texts into typed parameter values: int, long, double, float, boolean (and their
 * boxes), String, enums (by constant name, case-insensitive), and JSON (Jackson) for every other type. Unknown,
 * badly typed and missing required parameters are usage errors listing the valid ones.
 */
public final class ParameterBinder {

    private ParameterBinder() {}

    /**
     * @param raw option name (without dashes) to text
     * @return field name to value, for every parameter (defaults included; null defaults left out)
     */
    public static Map<String, Object> bind(FlowGraph graph, Map<String, String> raw) {
        Map<String, ParameterSpec> byOption = new LinkedHashMap<>();
        graph.parameters().forEach(p -> byOption.put(p.optionName(), p));
        List<String> problems = new ArrayList<>();
        for (String option : raw.keySet()) {
            if (!byOption.containsKey(option)) {
                problems.add("unknown parameter --" + option);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParameterSpec p : graph.parameters()) {
            String text = raw.get(p.optionName());
            if (text == null) {
                if (p.required()) {
                    problems.add("missing required parameter --" + p.optionName());
                } else if (p.defaultValue() != null) {
                    out.put(p.field(), p.defaultValue());
                }
                continue;
            }
            try {
                out.put(p.field(), convert(p.type(), text));
            } catch (RuntimeException e) {
                problems.add("--" + p.optionName() + " '" + text + "' is not a valid " + typeName(p.type()) + " ("
                        + e.getMessage() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("flow " + graph.name() + ": " + String.join("; ", problems)
                    + ". Valid parameters: " + describe(graph));
        }
        return out;
    }

    /** {@code --alpha (double, default 0.5): help, ...}, or "none". */
    public static String describe(FlowGraph graph) {
        if (graph.parameters().isEmpty()) {
            return "none (this flow declares no @Parameter)";
        }
        return graph.parameters().stream().map(p -> "--" + p.optionName() + " (" + typeName(p.type())
                + (p.required() ? ", required" : p.defaultValue() != null ? ", default " + p.defaultValue() : "")
                + ")" + (p.help().isEmpty() ? "" : ": " + p.help())).collect(Collectors.joining(", "));
    }

    private static String typeName(Type type) {
        return type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object convert(Type type, String text) {
        if (type instanceof Class<?> c) {
            if (c == String.class) {
                return text;
            }
            if (c == int.class || c == Integer.class) {
                return Integer.parseInt(text.trim());
            }
            if (c == long.class || c == Long.class) {
                return Long.parseLong(text.trim());
            }
            if (c == double.class || c == Double.class) {
                return Double.parseDouble(text.trim());
            }
            if (c == float.class || c == Float.class) {
                return Float.parseFloat(text.trim());
            }
            if (c == boolean.class || c == Boolean.class) {
                String t = text.trim().toLowerCase(Locale.ROOT);
                if (t.equals("true") || t.equals("false")) {
                    return Boolean.parseBoolean(t);
                }
                throw new IllegalArgumentException("expected true or false");
            }
            if (c.isEnum()) {
                for (Object constant : c.getEnumConstants()) {
                    if (((Enum) constant).name().equalsIgnoreCase(text.trim())) {
                        return constant;
                    }
                }
                throw new IllegalArgumentException("expected one of " + java.util.Arrays.toString(c.getEnumConstants()));
            }
        }
        try {
            ObjectMapper json = Json.MAPPER; // loaded only for JSON-typed parameters: Jackson costs start-up time
            return json.readValue(text, json.getTypeFactory().constructType(type));
        } catch (Exception e) {
            throw new IllegalArgumentException("expected JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
