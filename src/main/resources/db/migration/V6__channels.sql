-- Channels: a bot reached through another platform's API (Botpress Messaging). Each channel delivers its bot's
-- messages through one subscription of its own, filtered to the channel's conversations.
CREATE TABLE channels (
  id              TEXT PRIMARY KEY,
  project_id      TEXT NOT NULL,
  type            TEXT NOT NULL,
  bot_id          TEXT NOT NULL,
  config          TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX channels_project ON channels(project_id, id);

-- A session key is scoped by a trigger (its session key) or by a channel (the caller's conversation id).
ALTER TABLE sessions RENAME COLUMN trigger_id TO scope_id;

ALTER TABLE conversations ADD COLUMN external_id TEXT;

ALTER TABLE subscriptions ADD COLUMN channel_id TEXT;
-- 1 when body_template is a JSON template (an object or array whose strings are rendered).
ALTER TABLE subscriptions ADD COLUMN body_json INTEGER NOT NULL DEFAULT 0;
