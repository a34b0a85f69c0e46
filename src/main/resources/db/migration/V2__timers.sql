-- Durable timers of flows: a wait step or an ask timeout. Firing one deletes it and queues an event in the same
-- transaction, so each fires exactly once.
CREATE TABLE timers (
  id              TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  kind            TEXT NOT NULL,
  due_at          BIGINT NOT NULL
);
CREATE INDEX timers_due ON timers(due_at);
