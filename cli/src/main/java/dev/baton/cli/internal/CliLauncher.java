package dev.baton.cli.internal;

import dev.baton.cli.Main;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.internal.Launcher;

/**
 * The {@link Launcher} service behind {@code Baton.main(MyFlow.class, args)}: runs the command line with that
 * flow preselected. Registered in {@code META-INF/services}.
 */
public final class CliLauncher implements Launcher {
    @Override
    public int run(Class<?> flowClass, String[] args) {
        if (!FlowSpec.class.isAssignableFrom(flowClass)) {
            throw new IllegalArgumentException(flowClass.getName() + " does not extend " + FlowSpec.class.getName());
        }
        return Main.run(flowClass.asSubclass(FlowSpec.class), args);
    }
}
