-- A notification about an event or a message keeps the id of that row, not a second copy of it: events and
-- messages never change once finished or stored, so the feed reads them back from their own tables. Notifications
-- stored before this keep their full data (both columns null).
ALTER TABLE notifications ADD COLUMN event_id TEXT;
ALTER TABLE notifications ADD COLUMN message_id TEXT;
