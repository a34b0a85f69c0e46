-- Most conversations have no contact (a trigger without contact fields): leave them out of the contact index, so
-- starting one writes one B-tree fewer. Every lookup by contact compares contact_id with a value, which implies it
-- is not null, so both SQLite and PostgreSQL still use the index.
DROP INDEX conversations_contact;
CREATE INDEX conversations_contact ON conversations(contact_id) WHERE contact_id IS NOT NULL;
