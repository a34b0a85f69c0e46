package org.switchboard.intake;

import java.time.Clock;
import org.switchboard.model.Problem;
import org.switchboard.store.Database;

/**
 * A sliding-window rate limit kept in the database, so every node counts the same requests. It counts hits per
 * fixed window and estimates the sliding window as this window's hits plus the previous window's, weighted by
 * how much of the previous window still overlaps (the usual sliding-window-counter approximation).
 */
public final class RateLimiter {
  private final Database db;
  private final Clock clock;

  public RateLimiter(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Counts one hit; throws a 429 with {@code retryAfter} seconds when the bucket is over {@code limit}. */
  public void hit(String bucket, int limit, long windowMs) {
    long now = clock.millis();
    long window = now / windowMs * windowMs;
    long[] counts = db.write(h -> {
      long current = h.createQuery("INSERT INTO rate_counters (bucket, window_start, hits) VALUES (:b, :w, 1) "
              + "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 RETURNING hits")
          .bind("b", bucket).bind("w", window).mapTo(Long.class).one();
      long previous = h.createQuery("SELECT hits FROM rate_counters WHERE bucket = :b AND window_start = :w")
          .bind("b", bucket).bind("w", window - windowMs).mapTo(Long.class).findOne().orElse(0L);
      if (current == 1) {
        h.createUpdate("DELETE FROM rate_counters WHERE bucket = :b AND window_start < :old")
            .bind("b", bucket).bind("old", window - windowMs).execute();
      }
      return new long[] {current, previous};
    });
    double overlap = 1.0 - (double) (now - window) / windowMs;
    double estimate = counts[0] + counts[1] * overlap;
    if (estimate > limit) {
      long retryAfter = Math.max(1, (window + windowMs - now + 999) / 1000);
      throw new Problem(429, "Too many requests", "more than " + limit + " requests in " + windowMs / 1000 + " s")
          .with("retryAfter", retryAfter);
    }
  }
}
