package org.switchboard.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.Json;
import org.switchboard.model.Trigger;

public final class TriggerStore {
  private static final RowMapper<Trigger> TRIGGER = (rs, ctx) -> new Trigger(
      rs.getString("id"), rs.getString("project_id"), rs.getString("name"), rs.getString("trigger_key"),
      rs.getString("description"), rs.getString("bot_id"), Rows.flag(rs, "authenticate"),
      Rows.flag(rs, "wait_for_response"), rs.getLong("response_timeout_ms"), rs.getLong("session_duration_seconds"),
      Rows.flag(rs, "ignore_duplicates"), rs.getLong("duplicate_window_seconds"), rs.getString("filter"),
      Rows.nullableLong(rs, "rate_limit_per_minute"),
      Json.read(rs.getString("schedule")), Json.read(rs.getString("meta")), rs.getString("status"),
      rs.getString("secret_enc"), rs.getLong("created_at"), rs.getLong("updated_at"),
      Rows.nullableLong(rs, "last_trigger_at"), Rows.nullableLong(rs, "next_trigger_at"));

  private TriggerStore() {}

  public static void insert(Handle h, Trigger t) {
    h.createUpdate("INSERT INTO triggers (id, project_id, name, name_lower, trigger_key, key_lower, description, bot_id, "
            + "authenticate, wait_for_response, response_timeout_ms, session_duration_seconds, ignore_duplicates, "
            + "duplicate_window_seconds, filter, rate_limit_per_minute, schedule, meta, status, secret_enc, "
            + "created_at, updated_at, last_trigger_at, next_trigger_at) VALUES (:id, :projectId, :name, :nameLower, "
            + ":key, :keyLower, :description, :botId, :authenticate, :wait, :timeout, :session, :ignoreDuplicates, "
            + ":window, :filter, :rateLimit, :schedule, :meta, :status, :secret, :createdAt, :updatedAt, "
            + ":lastTriggerAt, :nextTriggerAt)")
        .bindMap(columns(t)).execute();
  }

  public static void update(Handle h, Trigger t) {
    h.createUpdate("UPDATE triggers SET name = :name, name_lower = :nameLower, trigger_key = :key, key_lower = :keyLower, "
            + "description = :description, bot_id = :botId, authenticate = :authenticate, wait_for_response = :wait, "
            + "response_timeout_ms = :timeout, session_duration_seconds = :session, ignore_duplicates = :ignoreDuplicates, "
            + "duplicate_window_seconds = :window, filter = :filter, rate_limit_per_minute = :rateLimit, "
            + "schedule = :schedule, meta = :meta, status = :status, secret_enc = :secret, updated_at = :updatedAt, "
            + "last_trigger_at = :lastTriggerAt, next_trigger_at = :nextTriggerAt WHERE id = :id")
        .bindMap(columns(t)).execute();
  }

  private static java.util.Map<String, Object> columns(Trigger t) {
    var m = new java.util.HashMap<String, Object>();
    m.put("id", t.id());
    m.put("projectId", t.projectId());
    m.put("name", t.name());
    m.put("nameLower", t.name().toLowerCase());
    m.put("key", t.key());
    m.put("keyLower", t.key().toLowerCase());
    m.put("description", t.description());
    m.put("botId", t.botId());
    m.put("authenticate", Rows.flag(t.authenticate()));
    m.put("wait", Rows.flag(t.waitForResponse()));
    m.put("timeout", t.responseTimeoutMs());
    m.put("session", t.sessionDurationSeconds());
    m.put("ignoreDuplicates", Rows.flag(t.ignoreDuplicates()));
    m.put("window", t.duplicateWindowSeconds());
    m.put("filter", t.filter());
    m.put("rateLimit", t.rateLimitPerMinute());
    m.put("schedule", t.schedule() == null || t.schedule().isNull() ? null : Json.write(t.schedule()));
    m.put("meta", Json.write(t.meta()));
    m.put("status", t.status());
    m.put("secret", t.secretSealed());
    m.put("createdAt", t.createdAt());
    m.put("updatedAt", t.updatedAt());
    m.put("lastTriggerAt", t.lastTriggerAt());
    m.put("nextTriggerAt", t.nextTriggerAt());
    return m;
  }

  /** Any one trigger's sealed secret: a start checks that its key opens the secrets already stored. */
  public static Optional<String> anySealedSecret(Handle h) {
    return h.createQuery("SELECT secret_enc FROM triggers LIMIT 1").mapTo(String.class).findOne();
  }

  public static Optional<Trigger> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM triggers WHERE id = :id").bind("id", id).map(TRIGGER).findOne();
  }

  public static Optional<Trigger> findByKey(Handle h, String projectId, String key) {
    return h.createQuery("SELECT * FROM triggers WHERE project_id = :p AND key_lower = :k")
        .bind("p", projectId).bind("k", key.toLowerCase()).map(TRIGGER).findOne();
  }

  /** Returns which unique column another trigger of the project already uses, if any. */
  public static Optional<String> clash(Handle h, String projectId, String exceptId, String name, String key) {
    return h.createQuery("SELECT CASE WHEN name_lower = :n THEN 'name' ELSE 'key' END FROM triggers "
            + "WHERE project_id = :p AND id <> :except AND (name_lower = :n OR key_lower = :k)")
        .bind("p", projectId).bind("except", exceptId == null ? "" : exceptId)
        .bind("n", name.toLowerCase()).bind("k", key.toLowerCase()).mapTo(String.class).findFirst();
  }

  public static List<Trigger> list(Handle h, String projectId, String before, int limit) {
    return h.createQuery("SELECT * FROM triggers WHERE project_id = :p AND (:before IS NULL OR id < :before) "
            + "ORDER BY id DESC LIMIT :limit")
        .bind("p", projectId).bind("before", before).bind("limit", limit).map(TRIGGER).list();
  }

  /** A page after {@code cursor} in either order of creation (ChatBotKit's list). */
  public static List<Trigger> list(Handle h, String projectId, String cursor, boolean ascending, int limit) {
    if (!ascending) return list(h, projectId, cursor, limit);
    return h.createQuery("SELECT * FROM triggers WHERE project_id = :p AND (:after IS NULL OR id > :after) "
            + "ORDER BY id LIMIT :limit")
        .bind("p", projectId).bind("after", cursor).bind("limit", limit).map(TRIGGER).list();
  }

  /** Active scheduled triggers whose next slot is due, locked so that one node fires them. */
  public static List<Trigger> dueSchedules(Handle h, Database.Dialect dialect, long now, int limit) {
    return h.createQuery("SELECT * FROM triggers t WHERE t.status = 'active' AND t.schedule IS NOT NULL "
            + "AND t.next_trigger_at IS NOT NULL AND t.next_trigger_at <= :now ORDER BY t.next_trigger_at LIMIT :limit"
            + dialect.forUpdateSkipLocked("t"))
        .bind("now", now).bind("limit", limit).map(TRIGGER).list();
  }

  public static void setScheduleState(Handle h, String id, Long lastTriggerAt, Long nextTriggerAt) {
    h.createUpdate("UPDATE triggers SET last_trigger_at = :last, next_trigger_at = :next WHERE id = :id")
        .bind("last", lastTriggerAt).bind("next", nextTriggerAt).bind("id", id).execute();
  }

  /** Claims one slot of a trigger's schedule; false when it was fired already (by this node or another). */
  public static boolean claimSlot(Handle h, String triggerId, long slotAt, String eventId) {
    return h.createUpdate("INSERT INTO schedule_slots (trigger_id, slot_at, event_id) VALUES (:t, :at, :e) "
            + "ON CONFLICT (trigger_id, slot_at) DO NOTHING")
        .bind("t", triggerId).bind("at", slotAt).bind("e", eventId).execute() > 0;
  }

  /** Fired schedule slots in key order after {@code after}: each stamped with its trigger (scope) and its time. */
  public static List<Stamp> slotsAfter(Handle h, Stamp after, int limit) {
    return h.createQuery("SELECT trigger_id, slot_at FROM schedule_slots WHERE (trigger_id, slot_at) > (?, ?) "
            + "ORDER BY trigger_id, slot_at LIMIT ?")
        .bind(0, after == null ? "" : after.scope()).bind(1, after == null ? Long.MIN_VALUE : after.at()).bind(2, limit)
        .map((rs, ctx) -> new Stamp(rs.getString(1), "", rs.getLong(2))).list();
  }

  /**
   * Removes these fired slots, each unless its trigger's schedule could still reach it (its next slot is not past
   * it): a claim only guards a slot the scheduler may still consider.
   */
  public static int removeSlots(Handle h, List<Stamp> slots) {
    return Sql.batch(h, "DELETE FROM schedule_slots WHERE trigger_id = ? AND slot_at = ? AND NOT EXISTS (SELECT 1 FROM "
        + "triggers t WHERE t.id = schedule_slots.trigger_id AND t.next_trigger_at <= schedule_slots.slot_at)",
        slots.stream().map(s -> new Object[] {s.scope(), s.at()}).toList());
  }

  public static boolean delete(Handle h, String id) {
    h.createUpdate("DELETE FROM schedule_slots WHERE trigger_id = :id").bind("id", id).execute();
    h.createUpdate("DELETE FROM sessions WHERE scope_id = :id").bind("id", id).execute();
    h.createUpdate("DELETE FROM event_fingerprints WHERE trigger_id = :id").bind("id", id).execute();
    return h.createUpdate("DELETE FROM triggers WHERE id = :id").bind("id", id).execute() > 0;
  }
}
