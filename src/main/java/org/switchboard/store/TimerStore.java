package org.switchboard.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

public final class TimerStore {
  public record Due(String id, String conversationId, String kind) {}

  private TimerStore() {}

  public static void insert(Handle h, String id, String conversationId, String kind, long dueAt) {
    h.createUpdate("INSERT INTO timers (id, conversation_id, kind, due_at) VALUES (:id, :c, :k, :at)")
        .bind("id", id).bind("c", conversationId).bind("k", kind).bind("at", dueAt).execute();
  }

  public static void delete(Handle h, String id) {
    h.createUpdate("DELETE FROM timers WHERE id = :id").bind("id", id).execute();
  }

  /** Takes due timers out of the table; the caller queues their events in the same transaction. */
  public static List<Due> takeDue(Handle h, Database.Dialect dialect, long now, int limit) {
    List<Due> due = h.createQuery("SELECT t.id, t.conversation_id, t.kind FROM timers t WHERE t.due_at <= :now "
            + "ORDER BY t.due_at LIMIT :limit" + dialect.forUpdateSkipLocked("t"))
        .bind("now", now).bind("limit", limit)
        .map((rs, ctx) -> new Due(rs.getString("id"), rs.getString("conversation_id"), rs.getString("kind"))).list();
    for (Due d : due) delete(h, d.id());
    return due;
  }
}
