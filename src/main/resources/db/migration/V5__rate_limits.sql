-- Sliding-window rate limits shared by every node: a counter per key and fixed window; the limiter weighs the
-- previous window by how much of it still overlaps the sliding one.
CREATE TABLE rate_counters (
  bucket       TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  hits         BIGINT NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
