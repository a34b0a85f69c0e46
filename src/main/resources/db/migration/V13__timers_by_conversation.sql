-- Log retention keeps a conversation that a flow timer still waits on: it asks by conversation, which without this
-- index would read every timer for each conversation it considers.
CREATE INDEX timers_conversation ON timers(conversation_id);
