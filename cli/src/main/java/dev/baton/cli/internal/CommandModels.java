package dev.baton.cli.internal;

import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UnmatchedArgsBinding;
import picocli.CommandLine.Range;

/**
 * Pieces of picocli command models built in code, for the commands on a task's start-up path (the root
 * {@code baton} command with its global options, and {@code step}).
 *
 * <p>Why not annotations: building a model from annotations makes the JDK turn every annotation into an object,
 * and each annotation <em>type</em> it reads costs a generated proxy class that JDK 17's class-data sharing cannot
 * archive; picocli then reflects over every annotated member. On a short-lived {@code baton step} process that was
 * most of the ~50 ms of CPU its command line cost before the task could start. A model built here is what picocli
 * would build from the equivalent annotations, attribute for attribute (see {@code CommandLineCharacterisationTest}).
 */
public final class CommandModels {
    private CommandModels() {}

    /**
     * An option whose value lives in a field of its command object, read and written through {@code get} and
     * {@code set} (no reflection), with the field's current value as its initial value, as picocli takes it
     * from an annotated field.
     *
     * @param type the field's type ({@code boolean.class} for a {@code boolean} field)
     */
    public static <T> OptionSpec.Builder option(String[] names, Class<?> type, Supplier<T> get, Consumer<T> set) {
        Binding<T> binding = new Binding<>(get, set);
        return OptionSpec.builder(names).type(type).getter(binding).setter(binding).initialValue(get.get());
    }

    /** {@link #option(String[], Class, Supplier, Consumer)} for an option with one name. */
    public static <T> OptionSpec.Builder option(String name, Class<?> type, Supplier<T> get, Consumer<T> set) {
        return option(new String[] {name}, type, get, set);
    }

    /**
     * The arity picocli gives an annotated option of zero arguments ({@code boolean}, {@code boolean[]}): 0, but
     * marked unspecified, which lets {@code --flag=true} still carry a value.
     */
    public static Range noArguments() {
        return Range.valueOf("0").unspecified(true);
    }

    /** A positional parameter whose value lives in a field (see {@link #option}). */
    public static <T> PositionalParamSpec.Builder positional(Class<?> type, Supplier<T> get, Consumer<T> set) {
        Binding<T> binding = new Binding<>(get, set);
        return PositionalParamSpec.builder().type(type).getter(binding).setter(binding).initialValue(get.get());
    }

    /**
     * Collects the arguments no option or parameter takes into a {@code List<String>} field, as picocli's
     * {@code @Unmatched} does: a new list when the field is null, else added to the field's list.
     */
    public static <T extends java.util.Collection<String>> UnmatchedArgsBinding unmatched(Supplier<T> get,
            Consumer<T> set) {
        return UnmatchedArgsBinding.forStringCollectionSupplier(new Binding<>(get, set));
    }

    /**
     * Adds {@code -h/--help} and {@code -V/--version} to {@code spec}, exactly as
     * {@code @Command(mixinStandardHelpOptions = true)} does: the same names (which the {@code picocli.help.name.N}
     * and {@code picocli.version.name.N} system properties can change), descriptions, description keys and
     * parameter labels. picocli acts on them while parsing; their values are kept only for completeness.
     */
    public static void addStandardHelpOptions(CommandSpec spec) {
        boolean[] requested = new boolean[2]; // help, version: what picocli's mixin keeps in two fields
        spec.addOption(option(new String[] {"${picocli.help.name.0:--h}", "${picocli.help.name.1:---help}"},
                boolean.class, () -> requested[0], v -> requested[0] = v)
                .usageHelp(true).arity(noArguments()).paramLabel("<helpRequested>")
                .descriptionKey("mixinStandardHelpOptions.help").description("Show this help message and exit.")
                .build());
        spec.addOption(option(new String[] {"${picocli.version.name.0:--V}", "${picocli.version.name.1:---version}"},
                boolean.class, () -> requested[1], v -> requested[1] = v)
                .versionHelp(true).arity(noArguments()).paramLabel("<versionRequested>")
                .descriptionKey("mixinStandardHelpOptions.version").description("Print version information and exit.")
                .build());
    }

    /**
     * picocli's getter and setter for one field. Its interfaces have generic methods, which lambdas cannot
     * implement; this adapts a pair of lambdas.
     */
    private static final class Binding<T> implements IGetter, ISetter {
        private final Supplier<T> get;
        private final Consumer<T> set;

        Binding(Supplier<T> get, Consumer<T> set) {
            this.get = get;
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> R get() {
            return (R) get.get();
        }

        /** Stores {@code value}; returns the previous value, as picocli's field binding does. */
        @Override
        @SuppressWarnings("unchecked")
        public <R> R set(R value) {
            R previous = get();
            set.accept((T) value);
            return previous;
        }
    }
}
