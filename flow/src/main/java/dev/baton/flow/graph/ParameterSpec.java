package dev.baton.flow.graph;

import java.lang.reflect.Type;

/**
 * A run parameter of a flow.
 *
 * @param field the field name
 * @param optionName the command-line option name without dashes ({@code learning-rate})
 * @param type the field's generic type
 * @param help the help text
 * @param required true when no default applies
 * @param defaultValue the value of the field initializer (null when none), read from a fresh instance
 */
public record ParameterSpec(String field, String optionName, Type type, String help, boolean required,
        Object defaultValue) {}
