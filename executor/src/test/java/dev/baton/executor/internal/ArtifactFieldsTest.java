package dev.baton.executor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.executor.internal.enhance.fixtures.HidingFlow;
import dev.baton.executor.internal.enhance.fixtures.LazyFlow;
import dev.baton.flow.BatonException;
import dev.baton.flow.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The executor's artifact fields agree with the enhancer's {@code FieldAccess} on plain (unenhanced) classes too. */
class ArtifactFieldsTest {
    @Test
    void aSubclassFieldHidingAnArtifactOfItsSuperclassIsRefusedNamingBoth() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> ArtifactFields.of(HidingFlow.class));
        assertTrue(e.getMessage().contains("'baseCount'") && e.getMessage().contains(HidingFlow.class.getName())
                && e.getMessage().contains("BaseFlow"), e.getMessage());
    }

    @Test
    void superclassFieldsComeFirstAndTheWriteSemanticsAreTheExecutors() {
        ArtifactFields fields = ArtifactFields.of(LazyFlow.class);
        List<String> names = List.copyOf(fields.all().keySet());
        assertEquals(List.of("baseCount", "baseName"), names.subList(0, 2), names.toString());
        LazyFlow flow = new LazyFlow();
        fields.set(flow, "count", null); // an unset primitive artifact leaves the field's default alone
        assertEquals(7, fields.get(flow, "count"));
        BatonException misfit = assertThrows(BatonException.class, () -> fields.set(flow, "count", "seven"));
        assertTrue(misfit.getMessage().contains("artifact 'count'"), misfit.getMessage());
    }
}
