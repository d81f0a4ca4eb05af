package dev.baton.stepfunctions;

import dev.baton.stepfunctions.asl.AslJson;
import dev.baton.stepfunctions.asl.StateMachine;
import java.util.List;
import java.util.Map;

/**
 * A flow compiled for Step Functions: the state machine and the Batch job definitions its tasks use.
 *
 * @param stateMachine the definition
 * @param jobDefinitions the job definitions, default first
 * @param stepJobDefinitions each step's job definition name
 */
public record CompiledFlow(StateMachine stateMachine, List<JobDefinitionSpec> jobDefinitions,
        Map<String, String> stepJobDefinitions) {
    public CompiledFlow {
        jobDefinitions = List.copyOf(jobDefinitions);
        stepJobDefinitions = Map.copyOf(stepJobDefinitions);
    }

    /** The definition as stable, pretty JSON. */
    public String definitionJson() {
        return AslJson.write(stateMachine);
    }

    /** The size AWS counts against its definition limit: the compact JSON in UTF-8 bytes. */
    public int definitionBytes() {
        return AslJson.writeCompact(stateMachine).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
