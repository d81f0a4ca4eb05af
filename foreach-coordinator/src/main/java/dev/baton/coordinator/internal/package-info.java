/** Implementations behind {@link dev.baton.coordinator.ForeachCoordinators}; not an API. */
package dev.baton.coordinator.internal;
