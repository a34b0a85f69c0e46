package org.switchboard.store;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The log as retention reads and removes it: conversations with their messages and events, events that have no
 * conversation, finished deliveries with their attempts, sessions whose conversation is gone, and feed pages. Reads
 * go in key order a page at a time; each removal checks again what the read saw, so a row that changed since stays.
 */
public final class LogStore {
  private LogStore() {}

  /** What removing conversations took with them. */
  public record ConversationsRemoved(int conversations, int messages, int events) {}

  /** Conversations in id order after {@code after}, each stamped with its last activity. */
  public static List<Stamp> conversationsAfter(Handle h, Stamp after, int limit) {
    return stamps(h, "SELECT id, last_activity_at FROM conversations WHERE id > ? ORDER BY id LIMIT ?", after, limit);
  }

  /**
   * Removes each conversation still idle since the time read, unless work waits for it (an event in the queue, a
   * timer), with its messages and events.
   */
  public static ConversationsRemoved removeConversations(Handle h, List<Stamp> idle) {
    int conversations = 0;
    int messages = 0;
    int events = 0;
    for (Stamp c : idle) {
      if (Sql.update(h, "DELETE FROM conversations WHERE id = ? AND last_activity_at = ? "
          + "AND NOT EXISTS (SELECT 1 FROM queue WHERE conversation_id = ?) "
          + "AND NOT EXISTS (SELECT 1 FROM timers WHERE conversation_id = ?)", c.key(), c.at(), c.key(), c.key()) == 0) {
        continue;
      }
      conversations++;
      messages += Sql.update(h, "DELETE FROM messages WHERE conversation_id = ?", c.key());
      events += Sql.update(h, "DELETE FROM events WHERE conversation_id = ?", c.key());
    }
    return new ConversationsRemoved(conversations, messages, events);
  }

  /** Events without a conversation (dropped ones) in id order after {@code after}, stamped with their arrival. */
  public static List<Stamp> eventsWithoutConversationAfter(Handle h, Stamp after, int limit) {
    return stamps(h, "SELECT id, received_at FROM events WHERE conversation_id IS NULL AND id > ? ORDER BY id LIMIT ?",
        after, limit);
  }

  public static int removeEventsWithoutConversation(Handle h, List<Stamp> events) {
    return Sql.batch(h, "DELETE FROM events WHERE id = ? AND received_at = ? AND conversation_id IS NULL "
        + "AND status IN ('completed', 'failed', 'dropped')", keyAndTime(events));
  }

  /** Finished deliveries in id order after {@code after}, stamped with when they finished. */
  public static List<Stamp> finishedDeliveriesAfter(Handle h, Stamp after, int limit) {
    return stamps(h, "SELECT id, completed_at FROM deliveries WHERE id > ? AND status <> 'pending' "
        + "AND completed_at IS NOT NULL ORDER BY id LIMIT ?", after, limit);
  }

  /** Removes each delivery still finished as read (a retry makes it pending again), with its attempts. */
  public static int removeFinishedDeliveries(Handle h, List<Stamp> deliveries) {
    int removed = 0;
    for (Stamp d : deliveries) {
      if (Sql.update(h, "DELETE FROM deliveries WHERE id = ? AND completed_at = ? AND status <> 'pending'", d.key(), d.at()) > 0) {
        removed++;
        Sql.update(h, "DELETE FROM delivery_attempts WHERE delivery_id = ?", d.key());
      }
    }
    return removed;
  }

  /** Sessions in key order after {@code after} whose conversation no longer exists. */
  public static List<Stamp> orphanedSessionsAfter(Handle h, Stamp after, int limit) {
    return h.createQuery("SELECT scope_id, session_key FROM sessions s WHERE (scope_id, session_key) > (?, ?) "
            + "AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = s.conversation_id) "
            + "ORDER BY scope_id, session_key LIMIT ?")
        .bind(0, after == null ? "" : after.scope()).bind(1, after == null ? "" : after.key()).bind(2, limit)
        .map((rs, ctx) -> new Stamp(rs.getString(1), rs.getString(2), 0)).list();
  }

  /** Removes each session unless it names an existing conversation again (a new one took the key since). */
  public static int removeOrphanedSessions(Handle h, List<Stamp> sessions) {
    List<Object[]> rows = sessions.stream().map(s -> new Object[] {s.scope(), s.key()}).toList();
    return Sql.batch(h, "DELETE FROM sessions WHERE scope_id = ? AND session_key = ? "
        + "AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = sessions.conversation_id)", rows);
  }

  /** Every project's id. */
  public static List<String> projectIds(Handle h) {
    return h.createQuery("SELECT id FROM projects ORDER BY id").mapTo(String.class).list();
  }

  /** A stored feed page as retention judges it: where it starts and ends, and its newest entry's time. */
  public record FeedPage(long firstSeq, long lastSeq, long newestAt) {}

  /** A project's feed pages in seq order after {@code afterFirstSeq}, at most {@code limit}. */
  public static List<FeedPage> feedPagesAfter(Handle h, String projectId, long afterFirstSeq, int limit) {
    return h.createQuery("SELECT first_seq, last_seq, entries FROM feed_pages WHERE project_id = ? AND first_seq > ? "
            + "ORDER BY first_seq LIMIT ?")
        .bind(0, projectId).bind(1, afterFirstSeq).bind(2, limit)
        .map((rs, ctx) -> new FeedPage(rs.getLong(1), rs.getLong(2), FeedPages.entries(projectId, rs.getLong(1),
            rs.getBytes(3)).stream().mapToLong(e -> e.notification().createdAt()).max().orElse(0)))
        .list();
  }

  /** The lowest seq of the project's feed that a pending delivery still has to send; none: {@link Long#MAX_VALUE}. */
  public static long lowestPendingSeq(Handle h, String projectId) {
    Long seq = h.createQuery("SELECT MIN(seq) FROM deliveries WHERE status = 'pending' AND project_id = ?")
        .bind(0, projectId).mapTo(Long.class).one();
    return seq == null ? Long.MAX_VALUE : seq;
  }

  /** Removes these pages of the project unless a pending delivery (a retry since the read) needs one of them. */
  public static int removeFeedPages(Handle h, String projectId, List<FeedPage> pages) {
    List<Object[]> rows = new ArrayList<>(pages.size());
    for (FeedPage p : pages) rows.add(new Object[] {projectId, p.firstSeq(), projectId, p.lastSeq()});
    return Sql.batch(h, "DELETE FROM feed_pages WHERE project_id = ? AND first_seq = ? AND NOT EXISTS (SELECT 1 FROM "
        + "deliveries WHERE status = 'pending' AND project_id = ? AND seq <= ?)", rows);
  }

  private static List<Stamp> stamps(Handle h, String sql, Stamp after, int limit) {
    return h.createQuery(sql).bind(0, after == null ? "" : after.key()).bind(1, limit)
        .map((rs, ctx) -> new Stamp("", rs.getString(1), rs.getLong(2))).list();
  }

  private static List<Object[]> keyAndTime(List<Stamp> stamps) {
    return stamps.stream().map(s -> new Object[] {s.key(), s.at()}).toList();
  }
}
