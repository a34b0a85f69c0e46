-- Outbound delivery: subscriptions, the project feed of notifications (the transactional outbox), deliveries of
-- notifications to subscriptions, and every attempt.

ALTER TABLE projects ADD COLUMN feed_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE subscriptions (
  id                    TEXT PRIMARY KEY,
  project_id            TEXT NOT NULL,
  topics                TEXT NOT NULL,
  url                   TEXT NOT NULL,
  method                TEXT NOT NULL,
  bot_id                TEXT,
  contact_external_id   TEXT,
  headers               TEXT NOT NULL,
  query_params          TEXT NOT NULL,
  body_template         TEXT,
  ordered               INTEGER NOT NULL,
  status                TEXT NOT NULL,
  disabled_reason       TEXT,
  secret_enc            TEXT NOT NULL,
  previous_secret_enc   TEXT,
  previous_secret_until BIGINT,
  failing_since         BIGINT,
  meta                  TEXT NOT NULL,
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL
);
CREATE INDEX subscriptions_project ON subscriptions(project_id);

-- Something that happened on a topic; seq numbers a project's notifications in commit order.
CREATE TABLE notifications (
  id                  TEXT PRIMARY KEY,
  project_id          TEXT NOT NULL,
  seq                 BIGINT NOT NULL,
  topic               TEXT NOT NULL,
  conversation_id     TEXT,
  bot_id              TEXT,
  contact_external_id TEXT,
  data                TEXT NOT NULL,
  created_at          BIGINT NOT NULL,
  UNIQUE (project_id, seq)
);

CREATE TABLE deliveries (
  id                   TEXT PRIMARY KEY,
  subscription_id      TEXT NOT NULL,
  notification_id      TEXT NOT NULL,
  project_id           TEXT NOT NULL,
  conversation_id      TEXT,
  seq                  BIGINT NOT NULL,
  ordered              INTEGER NOT NULL,
  status               TEXT NOT NULL,
  attempts             INTEGER NOT NULL,
  consecutive_failures INTEGER NOT NULL,
  next_attempt_at      BIGINT NOT NULL,
  lease_owner          TEXT,
  lease_until          BIGINT,
  last_status          INTEGER,
  last_error           TEXT,
  created_at           BIGINT NOT NULL,
  completed_at         BIGINT
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX deliveries_subscription ON deliveries(subscription_id, id);
CREATE INDEX deliveries_order ON deliveries(subscription_id, conversation_id, seq);

CREATE TABLE delivery_attempts (
  delivery_id  TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  at           BIGINT NOT NULL,
  status_code  INTEGER,
  error        TEXT,
  duration_ms  BIGINT NOT NULL,
  response     TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
