-- The claim reads due heads in (available_at, event_id) order with a LIMIT; an index in that order lets it stop
-- after LIMIT rows instead of sorting every due row of the same millisecond (a temporary b-tree in SQLite's plan).
CREATE INDEX queue_due ON queue(available_at, event_id);
DROP INDEX queue_available;
