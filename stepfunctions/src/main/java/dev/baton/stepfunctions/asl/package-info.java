/**
 * The Amazon States Language model Baton compiles flows to: {@link dev.baton.stepfunctions.asl.StateMachine} and
 * the closed set of {@link dev.baton.stepfunctions.asl.State} types, JSONPath query language only. Values are
 * immutable records; {@link dev.baton.stepfunctions.asl.AslJson} writes them as stable, pretty JSON (fixed key
 * order, so a definition diffs cleanly and a redeploy of an unchanged flow is byte-identical).
 */
package dev.baton.stepfunctions.asl;
