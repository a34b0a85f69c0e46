-- One schema for SQLite and PostgreSQL: TEXT ids and JSON, BIGINT epoch milliseconds, INTEGER flags (0/1).

CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE projects (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id),
  name        TEXT NOT NULL,
  permissions TEXT NOT NULL,
  key_hash    TEXT NOT NULL UNIQUE,
  created_at  BIGINT NOT NULL
);
CREATE INDEX api_keys_project ON api_keys(project_id);

CREATE TABLE bots (
  id                TEXT PRIMARY KEY,
  project_id        TEXT NOT NULL REFERENCES projects(id),
  name              TEXT NOT NULL,
  bot_key           TEXT NOT NULL,
  bot_key_lower     TEXT NOT NULL,
  draft             TEXT NOT NULL,
  published_version INTEGER,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  UNIQUE (project_id, bot_key_lower)
);

CREATE TABLE bot_versions (
  bot_id       TEXT NOT NULL REFERENCES bots(id),
  version      INTEGER NOT NULL,
  definition   TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (bot_id, version)
);

CREATE TABLE triggers (
  id                         TEXT PRIMARY KEY,
  project_id                 TEXT NOT NULL REFERENCES projects(id),
  name                       TEXT NOT NULL,
  name_lower                 TEXT NOT NULL,
  trigger_key                TEXT NOT NULL,
  key_lower                  TEXT NOT NULL,
  description                TEXT,
  bot_id                     TEXT NOT NULL,
  authenticate               INTEGER NOT NULL,
  wait_for_response          INTEGER NOT NULL,
  response_timeout_ms        BIGINT NOT NULL,
  session_duration_seconds   BIGINT NOT NULL,
  ignore_duplicates          INTEGER NOT NULL,
  duplicate_window_seconds   BIGINT NOT NULL,
  filter                     TEXT,
  schedule                   TEXT,
  meta                       TEXT NOT NULL,
  status                     TEXT NOT NULL,
  secret_enc                 TEXT NOT NULL,
  created_at                 BIGINT NOT NULL,
  updated_at                 BIGINT NOT NULL,
  last_trigger_at            BIGINT,
  next_trigger_at            BIGINT,
  UNIQUE (project_id, key_lower),
  UNIQUE (project_id, name_lower)
);

CREATE TABLE contacts (
  id           TEXT PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects(id),
  name         TEXT,
  email        TEXT,
  email_lower  TEXT,
  phone        TEXT,
  external_id  TEXT,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  UNIQUE (project_id, email_lower),
  UNIQUE (project_id, external_id)
);
CREATE INDEX contacts_phone ON contacts(project_id, phone);

CREATE TABLE conversations (
  id                TEXT PRIMARY KEY,
  project_id        TEXT NOT NULL,
  bot_id            TEXT NOT NULL,
  bot_version       INTEGER NOT NULL,
  contact_id        TEXT,
  trigger_id        TEXT,
  channel_id        TEXT,
  status            TEXT NOT NULL,
  variables         TEXT NOT NULL,
  state             TEXT NOT NULL,
  event_seq         BIGINT NOT NULL,
  message_seq       BIGINT NOT NULL,
  created_at        BIGINT NOT NULL,
  last_activity_at  BIGINT NOT NULL
);
CREATE INDEX conversations_project ON conversations(project_id, id);
CREATE INDEX conversations_contact ON conversations(contact_id);

-- The open conversation of one trigger and session key.
CREATE TABLE sessions (
  trigger_id      TEXT NOT NULL,
  session_key     TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  PRIMARY KEY (trigger_id, session_key)
);

CREATE TABLE events (
  id              TEXT PRIMARY KEY,
  project_id      TEXT NOT NULL,
  trigger_id      TEXT,
  channel_id      TEXT,
  conversation_id TEXT,
  source          TEXT NOT NULL,
  type            TEXT NOT NULL,
  status          TEXT NOT NULL,
  payload         TEXT NOT NULL,
  context         TEXT NOT NULL,
  received_at     BIGINT NOT NULL,
  started_at      BIGINT,
  completed_at    BIGINT,
  attempts        INTEGER NOT NULL,
  result          TEXT,
  drop_reason     TEXT,
  original_event_id TEXT,
  replay_of       TEXT
);
CREATE INDEX events_project ON events(project_id, id);
CREATE INDEX events_conversation ON events(conversation_id, id);
CREATE INDEX events_trigger ON events(trigger_id, id);

-- Work to do: one row per accepted event until it completes or fails for good.
CREATE TABLE queue (
  event_id        TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  position        BIGINT NOT NULL,
  available_at    BIGINT NOT NULL,
  lease_owner     TEXT,
  lease_until     BIGINT,
  attempts        INTEGER NOT NULL,
  UNIQUE (conversation_id, position)
);
CREATE INDEX queue_available ON queue(available_at);

CREATE TABLE messages (
  id              TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  seq             BIGINT NOT NULL,
  role            TEXT NOT NULL,
  type            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  event_id        TEXT,
  created_at      BIGINT NOT NULL,
  UNIQUE (conversation_id, seq)
);

-- Duplicate suppression: the first event of a body hash per trigger, replaced once its window has passed.
CREATE TABLE event_fingerprints (
  trigger_id  TEXT NOT NULL,
  body_hash   TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (trigger_id, body_hash)
);

CREATE TABLE idempotency_keys (
  scope       TEXT NOT NULL,
  idem_key    TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
