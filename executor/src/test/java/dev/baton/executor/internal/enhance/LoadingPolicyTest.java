package dev.baton.executor.internal.enhance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The name-based rules of the enhancing loader. */
class LoadingPolicyTest {
    private final LoadingPolicy acme = new LoadingPolicy(Set.of("com/acme/flows"));

    @Test
    void theFlowApiTheJdkAndThisPackageAreAlwaysShared() {
        assertTrue(acme.parentOnly("java/util/List"));
        assertTrue(acme.parentOnly("dev/baton/flow/FlowSpec"));
        assertTrue(acme.parentOnly("dev/baton/flow/graph/FlowGraph"));
        assertTrue(acme.parentOnly("dev/baton/executor/internal/enhance/EnhancedFlow"));
        assertTrue(acme.parentOnly("dev/baton/executor/internal/enhance/FieldAccess$State"));
        assertFalse(acme.parentOnly("dev/baton/executor/internal/enhance/fixtures/LazyFlow"));
        assertFalse(acme.parentOnly("com/acme/flows/TrainFlow"));
    }

    @Test
    void userPackagesAreTheFlowsPackageTreeAndTheExamples() {
        assertTrue(acme.isUserClass("com/acme/flows/TrainFlow"));
        assertTrue(acme.isUserClass("com/acme/flows/util/Stats$1"));
        assertTrue(acme.isUserClass("dev/baton/examples/HelloFlow"));
        assertFalse(acme.isUserClass("com/acme/flowsother/X"));
        assertFalse(acme.isUserClass("com/acme/Other"));
        assertFalse(acme.isUserClass("TopLevel"));
    }

    @Test
    void theUnnamedPackageHasNoSubPackages() {
        LoadingPolicy unnamed = new LoadingPolicy(Set.of(""));

        assertTrue(unnamed.isUserClass("DefaultFlow"));
        assertFalse(unnamed.isUserClass("com/acme/Anything"));
    }

    @Test
    void libraryAndRuntimePackagesArePreferredFromTheParent() {
        assertTrue(acme.parentFirst("javax/inject/Inject"));
        assertTrue(acme.parentFirst("org/slf4j/Logger"));
        assertTrue(acme.parentFirst("dev/baton/executor/TaskExecutor"));
        assertFalse(acme.parentFirst("dev/baton/examples/HelloFlow"));
        assertFalse(acme.parentFirst("com/google/common/collect/ImmutableList"));
        LoadingPolicy batonTests = new LoadingPolicy(Set.of("dev/baton/executor/flows"));
        assertFalse(batonTests.parentFirst("dev/baton/executor/flows/ShapeFlows$Linear"));
        assertTrue(batonTests.parentFirst("dev/baton/executor/TaskExecutor"));
    }

    @Test
    void packageOfHandlesTheUnnamedPackage() {
        assertEquals("com/acme", LoadingPolicy.packageOf("com/acme/X"));
        assertEquals("", LoadingPolicy.packageOf("X"));
    }
}
