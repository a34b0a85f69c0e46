-- A trigger's own rate limit: at most this many calls in any minute, across every way in; NULL means none.
ALTER TABLE triggers ADD COLUMN rate_limit_per_minute BIGINT;
