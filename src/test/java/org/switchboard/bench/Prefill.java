package org.switchboard.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.switchboard.model.Ids;
import org.switchboard.model.Notification;
import org.switchboard.store.FeedPages;
import org.switchboard.store.OutboxStore;
import org.switchboard.store.Database;

/**
 * Fills a stopped node's SQLite file with finished history, as a busy deployment would have it: per event its
 * conversation, one bot message and its message.created notification, all in the project and trigger given.
 */
final class Prefill {
  private Prefill() {}

  static void events(Path dataDir, String projectId, String botId, String triggerId, int count) throws Exception {
    try (Database db = Database.sqlite(dataDir)) {
      db.migrate();
      db.write(h -> {
        Connection c = h.getConnection();
        long seq = h.createQuery("SELECT feed_seq FROM projects WHERE id = :p").bind("p", projectId).mapTo(Long.class).one();
        long now = System.currentTimeMillis() - count;
        try (PreparedStatement conv = c.prepareStatement("INSERT INTO conversations (id, project_id, bot_id, bot_version, "
                + "trigger_id, status, variables, state, event_seq, message_seq, created_at, last_activity_at) "
                + "VALUES (?, ?, ?, 1, ?, 'active', '{}', '{}', 1, 1, ?, ?)");
             PreparedStatement event = c.prepareStatement("INSERT INTO events (id, project_id, trigger_id, conversation_id, "
                + "source, type, status, payload, context, received_at, started_at, completed_at, attempts, result) "
                + "VALUES (?, ?, ?, ?, 'native', 'trigger', 'completed', ?, '{}', ?, ?, ?, 1, ?)");
             PreparedStatement message = c.prepareStatement("INSERT INTO messages (id, conversation_id, seq, role, type, "
                + "payload, event_id, created_at) VALUES (?, ?, 1, 'bot', 'text', ?, ?, ?)");
             PreparedStatement page = c.prepareStatement(FeedPages.INSERT)) {
          List<OutboxStore.NewNotification> notifications = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            long at = now + i;
            String conversationId = Ids.conversation();
            String eventId = Ids.event();
            String messageId = Ids.message();
            set(conv, conversationId, projectId, botId, triggerId, at, at);
            set(event, eventId, projectId, triggerId, conversationId, "{\"message\":\"hi " + i + "\"}", at, at, at,
                "{\"messageIds\":[\"" + messageId + "\"],\"actions\":[],\"error\":null}");
            set(message, messageId, conversationId, "{\"text\":\"got hi " + i + "\"}", eventId, at);
            notifications.add(new OutboxStore.NewNotification(new Notification(Ids.next("ntf_"), projectId, ++seq,
                "message.created", conversationId, botId, null, null, at), "{\"conversation\":{\"id\":\"" + conversationId
                + "\"},\"contact\":null,\"bot\":{\"id\":\"" + botId + "\"}}", null, messageId));
            if (i % 5_000 == 4_999) flush(notifications, page, conv, event, message);
          }
          flush(notifications, page, conv, event, message);
        }
        h.createUpdate("UPDATE projects SET feed_seq = :s WHERE id = :p").bind("s", seq).bind("p", projectId).execute();
        return null;
      });
    }
  }

  private static void flush(List<OutboxStore.NewNotification> notifications, PreparedStatement page,
                            PreparedStatement... rows) throws java.sql.SQLException {
    for (FeedPages.Page p : FeedPages.pages(notifications)) set(page, p.projectId(), p.firstSeq(), p.lastSeq(), p.packed());
    notifications.clear();
    page.executeBatch();
    for (PreparedStatement s : rows) s.executeBatch();
  }

  private static void set(PreparedStatement s, Object... values) throws java.sql.SQLException {
    for (int i = 0; i < values.length; i++) s.setObject(i + 1, values[i]);
    s.addBatch();
  }
}
