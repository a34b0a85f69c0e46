package org.switchboard.store;

/**
 * A row as housekeeping reads it: its key ({@code scope} and {@code key}; the scope is empty for a table keyed by one
 * id) and the time it is judged by. A removal names the time it read, so a row written again since stays.
 */
public record Stamp(String scope, String key, long at) {}
