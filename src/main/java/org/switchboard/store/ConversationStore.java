package org.switchboard.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.Conversation;
import org.switchboard.model.Json;
import org.switchboard.model.Message;

/** Conversations, the session keys that lead to them, and their messages. */
public final class ConversationStore {
  private static final RowMapper<Conversation> CONVERSATION = (rs, ctx) -> new Conversation(rs.getString("id"),
      rs.getString("project_id"), rs.getString("bot_id"), rs.getInt("bot_version"), rs.getString("contact_id"),
      rs.getString("trigger_id"), rs.getString("channel_id"), rs.getString("external_id"), rs.getString("status"),
      Json.read(rs.getString("variables")), Json.read(rs.getString("state")), rs.getLong("created_at"),
      rs.getLong("last_activity_at"));
  private static final RowMapper<Message> MESSAGE = (rs, ctx) -> new Message(rs.getString("id"),
      rs.getString("conversation_id"), rs.getLong("seq"), rs.getString("role"), rs.getString("type"),
      Json.read(rs.getString("payload")), rs.getString("event_id"), rs.getLong("created_at"));

  private ConversationStore() {}

  public static void insert(Handle h, Conversation c) { insert(h, c, 0); }

  /**
   * Stores a new conversation whose first {@code reservedEvents} event positions are already taken by the caller
   * (a conversation started by its first event needs no separate position update).
   */
  public static void insert(Handle h, Conversation c, long reservedEvents) {
    Sql.update(h, INSERT, row(c, c.status(), Json.write(c.variables()), Json.write(c.state()), reservedEvents, 0));
  }

  /**
   * A new conversation stored as its first event's turn left it (an inline turn): that event holds position 1, its
   * messages the first {@code messageSeq}. Inserted at the batch's end; nothing in the batch reads it back.
   */
  public static void insertRun(GroupCommitter committer, Handle h, Conversation c, String status, String variablesJson,
                               String stateJson, long messageSeq) {
    committer.insertAtBatchEnd(h, INSERT, row(c, status, variablesJson, stateJson, 1, messageSeq));
  }

  private static Object[] row(Conversation c, String status, String variablesJson, String stateJson, long eventSeq,
                              long messageSeq) {
    return new Object[] {c.id(), c.projectId(), c.botId(), c.botVersion(), c.contactId(), c.triggerId(), c.channelId(),
        c.externalId(), status, variablesJson, stateJson, eventSeq, messageSeq, c.createdAt(), c.lastActivityAt()};
  }

  private static final String INSERT = "INSERT INTO conversations (id, project_id, bot_id, bot_version, contact_id, "
      + "trigger_id, channel_id, external_id, status, variables, state, event_seq, message_seq, created_at, "
      + "last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  public static Optional<Conversation> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM conversations WHERE id = :id").bind("id", id).map(CONVERSATION).findOne();
  }

  public static void reload(Handle h, String id, int version, String stateJson) {
    h.createUpdate("UPDATE conversations SET bot_version = :v, state = :s WHERE id = :id")
        .bind("v", version).bind("s", stateJson).bind("id", id).execute();
  }

  public static Optional<Conversation> findForUpdate(Handle h, String id, Database.Dialect dialect) {
    return h.createQuery("SELECT * FROM conversations WHERE id = :id" + dialect.forUpdate())
        .bind("id", id).map(CONVERSATION).findOne();
  }

  /** The dashboard's filters: any of bot, trigger, contact and status, and a window of last activity. */
  public record Filter(String botId, String triggerId, String contactId, String status, Long activeFrom, Long activeTo) {}

  public static List<Conversation> search(Handle h, String projectId, Filter f, String before, int limit) {
    return h.createQuery("SELECT * FROM conversations WHERE project_id = :p AND (:bot IS NULL OR bot_id = :bot) "
            + "AND (:trigger IS NULL OR trigger_id = :trigger) AND (:contact IS NULL OR contact_id = :contact) "
            + "AND (:status IS NULL OR status = :status) AND (:from IS NULL OR last_activity_at >= :from) "
            + "AND (:to IS NULL OR last_activity_at < :to) AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
        .bind("p", projectId).bind("bot", f.botId()).bind("trigger", f.triggerId()).bind("contact", f.contactId())
        .bind("status", f.status()).bind("from", f.activeFrom()).bind("to", f.activeTo()).bind("before", before)
        .bind("limit", limit).map(CONVERSATION).list();
  }

  /** The contact's most recently active open conversation with the bot. */
  public static Optional<Conversation> openWith(Handle h, String contactId, String botId) {
    return h.createQuery("SELECT * FROM conversations WHERE contact_id = :c AND bot_id = :b AND status <> 'ended' "
            + "ORDER BY last_activity_at DESC, id DESC LIMIT 1")
        .bind("c", contactId).bind("b", botId).map(CONVERSATION).findOne();
  }

  /** The bots a contact has talked to, most recent first. */
  public static List<String> botsOf(Handle h, String contactId) {
    return h.createQuery("SELECT bot_id FROM conversations WHERE contact_id = :c GROUP BY bot_id "
            + "ORDER BY MAX(last_activity_at) DESC")
        .bind("c", contactId).mapTo(String.class).list();
  }

  /** Open conversations of a bot, of one contact or of all when {@code contactId} is null. */
  public static List<String> openOfBot(Handle h, String botId, String contactId) {
    return h.createQuery("SELECT id FROM conversations WHERE bot_id = :b AND status <> 'ended' "
            + "AND (:c IS NULL OR contact_id = :c) ORDER BY id")
        .bind("b", botId).bind("c", contactId).mapTo(String.class).list();
  }

  public static List<Conversation> list(Handle h, String projectId, String botId, String contactId, String status,
                                        String before, int limit) {
    return h.createQuery("SELECT * FROM conversations WHERE project_id = :p AND (:bot IS NULL OR bot_id = :bot) "
            + "AND (:contact IS NULL OR contact_id = :contact) AND (:status IS NULL OR status = :status) "
            + "AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
        .bind("p", projectId).bind("bot", botId).bind("contact", contactId).bind("status", status)
        .bind("before", before).bind("limit", limit).map(CONVERSATION).list();
  }

  /** Takes the next event position in the conversation and marks it active now. */
  public static long nextEventPosition(Handle h, String conversationId, long now) {
    return Sql.returningLong(h, "UPDATE conversations SET event_seq = event_seq + 1, last_activity_at = ? "
        + "WHERE id = ? RETURNING event_seq", now, conversationId);
  }

  public static void setStatus(Handle h, String id, String status, long now) {
    h.createUpdate("UPDATE conversations SET status = :s, last_activity_at = :now WHERE id = :id")
        .bind("s", status).bind("now", now).bind("id", id).execute();
  }

  /** What a run's completion must know of its conversation now: its status and its last message's seq. */
  public record Progress(String status, long messageSeq) {}

  /** The conversation's {@link Progress}, its row locked until commit where the database locks rows. */
  public static Optional<Progress> progress(Handle h, String id, Database.Dialect dialect) {
    return Sql.queryRow(h, "SELECT status, message_seq FROM conversations WHERE id = ?" + dialect.forUpdate(),
        rs -> new Progress(rs.getString(1), rs.getLong(2)), id);
  }

  /** A run's outcome in one update: status, variables, state and the seq of the last message it stored. */
  public static void saveRuntime(Handle h, String id, String status, String variablesJson, String stateJson,
                                 long messageSeq) {
    Sql.update(h, "UPDATE conversations SET status = ?, variables = ?, state = ?, message_seq = ? WHERE id = ?", status,
        variablesJson, stateJson, messageSeq, id);
  }

  public static Optional<String> sessionConversation(Handle h, String scopeId, String key, Database.Dialect d) {
    return h.createQuery("SELECT conversation_id FROM sessions WHERE scope_id = :t AND session_key = :k" + d.forUpdate())
        .bind("t", scopeId).bind("k", key).mapTo(String.class).findOne();
  }

  /** Points the session key at a conversation; returns false when another writer created the row first. */
  public static boolean claimSession(Handle h, String scopeId, String key, String conversationId) {
    return h.createUpdate("INSERT INTO sessions (scope_id, session_key, conversation_id) VALUES (:t, :k, :c) "
            + "ON CONFLICT (scope_id, session_key) DO NOTHING")
        .bind("t", scopeId).bind("k", key).bind("c", conversationId).execute() > 0;
  }

  public static void moveSession(Handle h, String scopeId, String key, String conversationId) {
    h.createUpdate("UPDATE sessions SET conversation_id = :c WHERE scope_id = :t AND session_key = :k")
        .bind("t", scopeId).bind("k", key).bind("c", conversationId).execute();
  }

  /** Appends a message with the conversation's next sequence number. */
  public static Message appendMessage(Handle h, String id, String conversationId, String role, String type,
                                      String payloadJson, String eventId, long now) {
    long seq = Sql.returningLong(h, "UPDATE conversations SET message_seq = message_seq + 1 WHERE id = ? RETURNING message_seq",
        conversationId);
    Message m = new Message(id, conversationId, seq, role, type, Json.read(payloadJson), eventId, now);
    insertMessage(h, m, payloadJson);
    return m;
  }

  /**
   * Stores a message at a seq the caller took (and records in the conversation itself), its payload already
   * written as {@code payloadJson}.
   */
  public static void insertMessage(Handle h, Message m, String payloadJson) {
    Sql.update(h, INSERT_MESSAGE, row(m, payloadJson));
  }

  /** As above, at the batch's end: for a conversation nothing in the batch reads back (an inline turn's). */
  public static void insertMessage(GroupCommitter committer, Handle h, Message m, String payloadJson) {
    committer.insertAtBatchEnd(h, INSERT_MESSAGE, row(m, payloadJson));
  }

  private static Object[] row(Message m, String payloadJson) {
    return new Object[] {m.id(), m.conversationId(), m.seq(), m.role(), m.type(), payloadJson, m.eventId(), m.createdAt()};
  }

  private static final String INSERT_MESSAGE = "INSERT INTO messages (id, conversation_id, seq, role, type, payload, "
      + "event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  /** Messages by id (any that exist), in one query. */
  public static Map<String, Message> messagesByIds(Handle h, Collection<String> ids) {
    if (ids.isEmpty()) return Map.of();
    return h.createQuery("SELECT * FROM messages WHERE id IN (<ids>)").bindList("ids", List.copyOf(ids)).map(MESSAGE)
        .collectToMap(Message::id, m -> m);
  }

  public static List<Message> messagesAfter(Handle h, String conversationId, long afterSeq, int limit) {
    return h.createQuery("SELECT * FROM messages WHERE conversation_id = :c AND seq > :after ORDER BY seq LIMIT :limit")
        .bind("c", conversationId).bind("after", afterSeq).bind("limit", limit).map(MESSAGE).list();
  }

  /** The bot's messages for one event, found through its conversation's messages (indexed), not a table scan. */
  public static List<Message> messagesOfEvent(Handle h, String conversationId, String eventId) {
    return h.createQuery("SELECT * FROM messages WHERE conversation_id = :c AND event_id = :e AND role = 'bot' ORDER BY seq")
        .bind("c", conversationId).bind("e", eventId).map(MESSAGE).list();
  }

  public static List<Message> recentMessages(Handle h, String conversationId, int limit) {
    List<Message> newestFirst = h.createQuery("SELECT * FROM messages WHERE conversation_id = :c ORDER BY seq DESC LIMIT :limit")
        .bind("c", conversationId).bind("limit", limit).map(MESSAGE).list();
    return newestFirst.reversed();
  }
}
