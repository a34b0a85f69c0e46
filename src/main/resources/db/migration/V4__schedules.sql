-- Each schedule slot fires once: claiming (trigger, slot) is the first write of the transaction that queues its event.
CREATE TABLE schedule_slots (
  trigger_id TEXT NOT NULL,
  slot_at    BIGINT NOT NULL,
  event_id   TEXT,
  PRIMARY KEY (trigger_id, slot_at)
);
CREATE INDEX triggers_next ON triggers(next_trigger_at);
