-- Only pending deliveries are ever claimed, and only ordered ones are ever checked for an earlier one still open:
-- index just those. A delivery that succeeds leaves the due index instead of moving within it, an unordered one is
-- never in the order index, and the due index stays as small as the work still to do, however long the history.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries(next_attempt_at, seq) WHERE status = 'pending';
DROP INDEX deliveries_order;
CREATE INDEX deliveries_order ON deliveries(subscription_id, conversation_id, seq) WHERE ordered = 1;
