package org.switchboard.intake;

/**
 * Where an idempotency key is unique, and for how long intake remembers it: a trigger's or a conversation's
 * {@code Idempotency-Key} for 24 h, a channel's message id for 30 days. Housekeeping reads the window back from the
 * stored scope.
 */
public enum IdempotencyScope {
  TRIGGER("trigger:", 24L * 3600 * 1000),
  CONVERSATION("conversation:", 24L * 3600 * 1000),
  CHANNEL("channel:", 30L * 24 * 3600 * 1000);

  private final String prefix;
  private final long windowMs;

  IdempotencyScope(String prefix, long windowMs) {
    this.prefix = prefix;
    this.windowMs = windowMs;
  }

  /** The stored scope of keys sent to the trigger, conversation or channel {@code id}. */
  public String of(String id) { return prefix + id; }

  public long windowMs() { return windowMs; }

  /** The window of a stored scope; a scope of no known kind gets the longest, so nothing is dropped early. */
  public static long windowOf(String scope) {
    long longest = 0;
    for (IdempotencyScope kind : values()) {
      if (scope.startsWith(kind.prefix)) return kind.windowMs;
      longest = Math.max(longest, kind.windowMs);
    }
    return longest;
  }
}
