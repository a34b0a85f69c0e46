package org.switchboard.intake;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.switchboard.store.EventStore;

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

  /**
   * Claims {@code key}, sent to the trigger, conversation or channel {@code id}, for the event {@code eventId}; the
   * id of the earlier event that claimed it, when that was within this scope's window.
   */
  public Optional<String> claim(Handle h, String id, String key, String eventId, long now) {
    return EventStore.idempotencyKey(h, prefix + id, key, eventId, now, now - windowMs);
  }

  /** Gives {@code key} to {@code eventId} after all: the event that claimed it first is gone. */
  public void reclaim(Handle h, String id, String key, String eventId, long now) {
    EventStore.reclaimIdempotencyKey(h, prefix + id, key, eventId, now);
  }

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
