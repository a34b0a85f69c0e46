package org.switchboard.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The durable work queue. Only the head of each conversation (its lowest position) can be claimed, so one
 * conversation's events run one at a time and in order, while different conversations run in parallel.
 */
public final class QueueStore {
  public record Claim(String eventId, String conversationId, int attempts) {}

  private QueueStore() {}

  public static void enqueue(Handle h, String eventId, String conversationId, long position, long availableAt) {
    Sql.update(h, "INSERT INTO queue (event_id, conversation_id, position, available_at, lease_owner, lease_until, attempts) "
        + "VALUES (?, ?, ?, ?, NULL, NULL, 0)", eventId, conversationId, position, availableAt);
  }

  /** A queue entry leased from the start: the event is already being processed by {@code owner}. */
  public static void enqueueLeased(Handle h, String eventId, String conversationId, long position, long availableAt,
                                   String owner, long leaseUntil) {
    Sql.update(h, "INSERT INTO queue (event_id, conversation_id, position, available_at, lease_owner, lease_until, attempts) "
        + "VALUES (?, ?, ?, ?, ?, ?, 1)", eventId, conversationId, position, availableAt, owner, leaseUntil);
  }

  /** Leases up to {@code limit} claimable heads to {@code owner} until {@code leaseUntil}. */
  public static List<Claim> claim(Handle h, Database.Dialect dialect, String owner, long now, long leaseUntil, int limit) {
    List<String> ids = h.createQuery("SELECT q.event_id FROM queue q WHERE q.available_at <= :now "
            + "AND (q.lease_until IS NULL OR q.lease_until < :now) "
            + "AND NOT EXISTS (SELECT 1 FROM queue p WHERE p.conversation_id = q.conversation_id AND p.position < q.position) "
            + "ORDER BY q.available_at, q.event_id LIMIT :limit" + dialect.forUpdateSkipLocked("q"))
        .bind("now", now).bind("limit", limit).mapTo(String.class).list();
    if (ids.isEmpty()) return List.of();
    List<Claim> claims = h.createQuery("UPDATE queue SET lease_owner = :owner, lease_until = :until, attempts = attempts + 1 "
            + "WHERE event_id IN (<ids>) RETURNING event_id, conversation_id, attempts")
        .bind("owner", owner).bind("until", leaseUntil).bindList("ids", ids)
        .map((rs, ctx) -> new Claim(rs.getString("event_id"), rs.getString("conversation_id"), rs.getInt("attempts")))
        .list();
    // The events show as processing from the claim on, in the same transaction (no write of its own per event).
    h.createUpdate("UPDATE events SET status = 'processing', started_at = COALESCE(started_at, :now), "
            + "attempts = (SELECT q.attempts FROM queue q WHERE q.event_id = events.id) WHERE id IN (<ids>)")
        .bind("now", now).bindList("ids", ids).execute();
    return claims;
  }

  /** Removes the entry if this owner still holds it; false means the lease was lost and the work must be dropped. */
  public static boolean complete(Handle h, String eventId, String owner) {
    return Sql.update(h, "DELETE FROM queue WHERE event_id = ? AND lease_owner = ?", eventId, owner) > 0;
  }

  public static boolean postpone(Handle h, String eventId, String owner, long availableAt) {
    return h.createUpdate("UPDATE queue SET lease_owner = NULL, lease_until = NULL, available_at = :at "
            + "WHERE event_id = :e AND lease_owner = :o")
        .bind("e", eventId).bind("o", owner).bind("at", availableAt).execute() > 0;
  }

  public static int renew(Handle h, String owner, List<String> eventIds, long leaseUntil) {
    if (eventIds.isEmpty()) return 0;
    return h.createUpdate("UPDATE queue SET lease_until = :until WHERE lease_owner = :o AND event_id IN (<ids>)")
        .bind("until", leaseUntil).bind("o", owner).bindList("ids", eventIds).execute();
  }

  /** Gives back every lease of this owner (a clean shutdown); the attempt it used is returned too. */
  public static int release(Handle h, String owner) {
    h.createUpdate("UPDATE events SET status = 'accepted' WHERE id IN (SELECT event_id FROM queue WHERE lease_owner = :o)")
        .bind("o", owner).execute();
    return h.createUpdate("UPDATE queue SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 "
            + "WHERE lease_owner = :o").bind("o", owner).execute();
  }

  /**
   * Ends every lease now, keeping its owner (whose completion then fails) and its attempt (the crash may have been
   * this event's doing). Only for a database no other node can hold: the embedded one.
   */
  public static int expireLeases(Handle h, long now) {
    return h.createUpdate("UPDATE queue SET lease_until = :past WHERE lease_until >= :now")
        .bind("past", now - 1).bind("now", now).execute();
  }

  /** How long the longest-waiting due event has waited; 0 for an empty queue. */
  public static long oldestAgeMs(Handle h, long now) {
    return now - h.createQuery("SELECT COALESCE(MIN(available_at), :now) FROM queue WHERE available_at <= :now")
        .bind("now", now).mapTo(Long.class).one();
  }

  public static long depth(Handle h) {
    return h.createQuery("SELECT COUNT(*) FROM queue").mapTo(Long.class).one();
  }
}
