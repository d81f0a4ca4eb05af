/**
 * The {@code baton} command line ({@link dev.baton.cli.Main}); commands and their helpers live in
 * {@code dev.baton.cli.internal}.
 */
package dev.baton.cli;
