/**
 * Runnable example flows, used by the README and by the tests: {@link dev.baton.examples.HelloFlow} (linear),
 * {@link dev.baton.examples.ForeachFlow} (fan-out and join), {@link dev.baton.examples.BranchFlow} (static
 * branch), {@link dev.baton.examples.SwitchFlow} (a loop through a switch) and {@link dev.baton.examples.TrainFlow}
 * (a hyper-parameter search with decorators). Their results are deterministic so tests can assert them.
 */
package dev.baton.examples;
