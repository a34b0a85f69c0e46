package org.switchboard.intake;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import org.switchboard.model.Problem;
import org.switchboard.store.Database;

/**
 * A sliding-window rate limit. It counts hits per fixed window and estimates the sliding window as this window's
 * hits plus the previous window's, weighted by how much of the previous window still overlaps (the usual
 * sliding-window-counter approximation). On PostgreSQL the counters are rows, so every node counts the same
 * requests; the embedded database has one node, so it counts in memory and a call costs no write.
 */
public final class RateLimiter {
  /** Windows up to this long are kept between hits; every limit today is per minute. */
  private static final Duration KEPT = Duration.ofMinutes(10);

  private final Database db;
  private final Clock clock;
  private final Cache<String, Counter> here = Caffeine.newBuilder().expireAfterAccess(KEPT).maximumSize(100_000)
      .executor(Runnable::run).build();

  public RateLimiter(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Counts one hit; throws a 429 with {@code retryAfter} seconds when the bucket is over {@code limit}. */
  public void hit(String bucket, long limit, long windowMs) {
    long now = clock.millis();
    long window = now / windowMs * windowMs;
    long[] counts = db.dialect() == Database.Dialect.SQLITE ? countHere(bucket, window, windowMs)
        : countShared(bucket, window, windowMs);
    double overlap = 1.0 - (double) (now - window) / windowMs;
    double estimate = counts[0] + counts[1] * overlap;
    if (estimate > limit) {
      long retryAfter = Math.max(1, (window + windowMs - now + 999) / 1000);
      throw new Problem(429, "Too many requests", "more than " + limit + " requests in " + windowMs / 1000 + " s")
          .with("retryAfter", retryAfter);
    }
  }

  private long[] countHere(String bucket, long window, long windowMs) {
    Counter c = here.get(bucket, b -> new Counter());
    synchronized (c) {
      if (c.window != window) {
        c.previous = c.window == window - windowMs ? c.current : 0;
        c.window = window;
        c.current = 0;
      }
      return new long[] {++c.current, c.previous};
    }
  }

  private long[] countShared(String bucket, long window, long windowMs) {
    return db.write(h -> {
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
  }

  private static final class Counter {
    long window = Long.MIN_VALUE;
    long current;
    long previous;
  }
}
