package org.switchboard.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.Event;
import org.switchboard.model.Json;

/** Events, duplicate fingerprints and idempotency keys. */
public final class EventStore {
  static final RowMapper<Event> EVENT = (rs, ctx) -> new Event(rs.getString("id"), rs.getString("project_id"),
      rs.getString("trigger_id"), rs.getString("channel_id"), rs.getString("conversation_id"), rs.getString("source"),
      rs.getString("type"), rs.getString("status"), Json.read(rs.getString("payload")),
      Json.read(rs.getString("context")), rs.getLong("received_at"), Rows.nullableLong(rs, "started_at"),
      Rows.nullableLong(rs, "completed_at"), rs.getInt("attempts"), Json.read(rs.getString("result")),
      rs.getString("drop_reason"), rs.getString("original_event_id"));

  private EventStore() {}

  public static void insert(Handle h, Event e, String replayOf) {
    Sql.update(h, INSERT, row(e, Json.write(e.payload()), Json.write(e.context()),
        e.result() == null ? null : Json.write(e.result()), replayOf));
  }

  /** A finished event (an inline turn's), inserted at the batch's end: nothing in the batch reads it back. */
  public static void insertFinished(GroupCommitter committer, Handle h, Event e, String payloadJson, String contextJson,
                                    String resultJson) {
    committer.insertAtBatchEnd(h, INSERT, row(e, payloadJson, contextJson, resultJson, null));
  }

  private static Object[] row(Event e, String payloadJson, String contextJson, String resultJson, String replayOf) {
    return new Object[] {e.id(), e.projectId(), e.triggerId(), e.channelId(), e.conversationId(), e.source(), e.type(),
        e.status(), payloadJson, contextJson, e.receivedAt(), e.startedAt(), e.completedAt(), e.attempts(), resultJson,
        e.dropReason(), e.originalEventId(), replayOf};
  }

  private static final String INSERT = "INSERT INTO events (id, project_id, trigger_id, channel_id, conversation_id, "
      + "source, type, status, payload, context, received_at, started_at, completed_at, attempts, result, drop_reason, "
      + "original_event_id, replay_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  public static Optional<Event> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM events WHERE id = :id").bind("id", id).map(EVENT).findOne();
  }

  /** Events by id (any that exist), in one query. */
  public static Map<String, Event> byIds(Handle h, Collection<String> ids) {
    if (ids.isEmpty()) return Map.of();
    return h.createQuery("SELECT * FROM events WHERE id IN (<ids>)").bindList("ids", List.copyOf(ids)).map(EVENT)
        .collectToMap(Event::id, e -> e);
  }

  public static List<Event> list(Handle h, String projectId, String triggerId, String status, String conversationId,
                                 String before, int limit) {
    // Only the filters given, so that the planner can walk the conversation's or the trigger's index (an
    // "(:t IS NULL OR trigger_id = :t)" term would leave it the project's index and a scan).
    StringBuilder sql = new StringBuilder("SELECT * FROM events WHERE project_id = :p");
    if (conversationId != null) sql.append(" AND conversation_id = :c");
    if (triggerId != null) sql.append(" AND trigger_id = :t");
    if (status != null) sql.append(" AND status = :s");
    if (before != null) sql.append(" AND id < :before");
    var query = h.createQuery(sql.append(" ORDER BY id DESC LIMIT :limit").toString())
        .bind("p", projectId).bind("limit", limit);
    if (conversationId != null) query.bind("c", conversationId);
    if (triggerId != null) query.bind("t", triggerId);
    if (status != null) query.bind("s", status);
    if (before != null) query.bind("before", before);
    return query.map(EVENT).list();
  }

  /** A project's events received since a time, oldest first (the dashboard's analytics). */
  public static List<Event> since(Handle h, String projectId, long from, int limit) {
    return h.createQuery("SELECT * FROM events WHERE project_id = :p AND received_at >= :from ORDER BY received_at LIMIT :limit")
        .bind("p", projectId).bind("from", from).bind("limit", limit).map(EVENT).list();
  }

  public static void finish(Handle h, String id, String status, String resultJson, long now) {
    Sql.update(h, "UPDATE events SET status = ?, result = ?, completed_at = ? WHERE id = ?", status, resultJson, now, id);
  }

  /** Back to accepted while a retry waits; the last error stays visible in the result. */
  public static void retryLater(Handle h, String id, String resultJson) {
    h.createUpdate("UPDATE events SET status = 'accepted', result = :r WHERE id = :id")
        .bind("id", id).bind("r", resultJson).execute();
  }

  /**
   * Records a body fingerprint unless an event with the same body is inside the window. Returns the earlier
   * event's id when this one is a duplicate. One statement, so racing writers on several nodes agree.
   */
  public static Optional<String> fingerprint(Handle h, String triggerId, String hash, String eventId, long now,
                                             long windowStart) {
    int changed = h.createUpdate("INSERT INTO event_fingerprints (trigger_id, body_hash, event_id, received_at) "
            + "VALUES (:t, :h, :e, :now) ON CONFLICT (trigger_id, body_hash) DO UPDATE SET event_id = excluded.event_id, "
            + "received_at = excluded.received_at WHERE event_fingerprints.received_at < :windowStart")
        .bind("t", triggerId).bind("h", hash).bind("e", eventId).bind("now", now).bind("windowStart", windowStart)
        .execute();
    if (changed > 0) return Optional.empty();
    return h.createQuery("SELECT event_id FROM event_fingerprints WHERE trigger_id = :t AND body_hash = :h")
        .bind("t", triggerId).bind("h", hash).mapTo(String.class).findOne();
  }

  /** Claims an idempotency key for the event; returns the earlier event's id when the key is still fresh. */
  public static Optional<String> idempotencyKey(Handle h, String scope, String key, String eventId, long now,
                                                long freshAfter) {
    int changed = h.createUpdate("INSERT INTO idempotency_keys (scope, idem_key, event_id, created_at) "
            + "VALUES (:s, :k, :e, :now) ON CONFLICT (scope, idem_key) DO UPDATE SET event_id = excluded.event_id, "
            + "created_at = excluded.created_at WHERE idempotency_keys.created_at < :fresh")
        .bind("s", scope).bind("k", key).bind("e", eventId).bind("now", now).bind("fresh", freshAfter).execute();
    if (changed > 0) return Optional.empty();
    return h.createQuery("SELECT event_id FROM idempotency_keys WHERE scope = :s AND idem_key = :k")
        .bind("s", scope).bind("k", key).mapTo(String.class).findOne();
  }

  /** Body fingerprints in key order after {@code after} (null: from the first), at most {@code limit}. */
  public static List<Stamp> fingerprintsAfter(Handle h, Stamp after, int limit) {
    return stamps(h, "SELECT trigger_id, body_hash, received_at FROM event_fingerprints "
        + "WHERE (trigger_id, body_hash) > (?, ?) ORDER BY trigger_id, body_hash LIMIT ?", after, limit);
  }

  /** Points a key whose event is gone at a new event, as a fresh claim would. */
  public static void reclaimIdempotencyKey(Handle h, String scope, String key, String eventId, long now) {
    h.createUpdate("UPDATE idempotency_keys SET event_id = :e, created_at = :now WHERE scope = :s AND idem_key = :k")
        .bind("s", scope).bind("k", key).bind("e", eventId).bind("now", now).execute();
  }

  /** Idempotency keys in key order after {@code after} (null: from the first), at most {@code limit}. */
  public static List<Stamp> idempotencyKeysAfter(Handle h, Stamp after, int limit) {
    // A key whose event log retention removed reads as written at time 0: it has nothing left to answer with.
    return stamps(h, "SELECT scope, idem_key, CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.id = k.event_id) "
        + "THEN created_at ELSE 0 END FROM idempotency_keys k "
        + "WHERE (scope, idem_key) > (?, ?) ORDER BY scope, idem_key LIMIT ?", after, limit);
  }

  /** Removes these fingerprints, each unless it was written again since it was read. */
  public static int removeFingerprints(Handle h, List<Stamp> stamps) {
    return Sql.batch(h, "DELETE FROM event_fingerprints WHERE trigger_id = ? AND body_hash = ? AND received_at = ?", rows(stamps));
  }

  /**
   * Removes these idempotency keys, each unless it was claimed again since it was read; a key whose event is gone
   * (removed by log retention, which reads the key with time 0) goes unless it names an existing event again.
   */
  public static int removeIdempotencyKeys(Handle h, List<Stamp> stamps) {
    return Sql.batch(h, "DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND (created_at = ? "
        + "OR NOT EXISTS (SELECT 1 FROM events e WHERE e.id = idempotency_keys.event_id))", rows(stamps));
  }

  private static List<Stamp> stamps(Handle h, String sql, Stamp after, int limit) {
    return h.createQuery(sql).bind(0, after == null ? "" : after.scope()).bind(1, after == null ? "" : after.key())
        .bind(2, limit).map((rs, ctx) -> new Stamp(rs.getString(1), rs.getString(2), rs.getLong(3))).list();
  }

  private static List<Object[]> rows(List<Stamp> stamps) {
    return stamps.stream().map(s -> new Object[] {s.scope(), s.key(), s.at()}).toList();
  }
}
