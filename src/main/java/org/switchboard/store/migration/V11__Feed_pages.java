package org.switchboard.store.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.switchboard.model.Notification;
import org.switchboard.store.FeedPages;
import org.switchboard.store.OutboxStore;

/**
 * The feed moves from one row per notification to pages of consecutive ones ({@link FeedPages}). Java, not SQL:
 * the stored notifications are rewritten as pages with the same code that writes new ones, on SQLite and PostgreSQL.
 */
public final class V11__Feed_pages extends BaseJavaMigration {
  private static final int CHUNK = 1_024;

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE feed_pages (project_id TEXT NOT NULL, first_seq BIGINT NOT NULL, "
          + "last_seq BIGINT NOT NULL, entries TEXT NOT NULL, PRIMARY KEY (project_id, first_seq))");
    }
    try (Statement read = c.createStatement(); PreparedStatement insert = c.prepareStatement(FeedPages.INSERT)) {
      read.setFetchSize(CHUNK); // PostgreSQL's driver would otherwise hold every row in memory at once
      ResultSet rs = read.executeQuery("SELECT * FROM notifications ORDER BY project_id, seq");
      List<OutboxStore.NewNotification> chunk = new ArrayList<>(CHUNK);
      while (rs.next()) {
        Notification n = new Notification(rs.getString("id"), rs.getString("project_id"), rs.getLong("seq"),
            rs.getString("topic"), rs.getString("conversation_id"), rs.getString("bot_id"),
            rs.getString("contact_external_id"), null, rs.getLong("created_at"));
        chunk.add(new OutboxStore.NewNotification(n, rs.getString("data"), rs.getString("event_id"), rs.getString("message_id")));
        if (chunk.size() == CHUNK) write(insert, chunk);
      }
      write(insert, chunk);
    }
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE notifications");
    }
  }

  private static void write(PreparedStatement insert, List<OutboxStore.NewNotification> chunk) throws Exception {
    if (chunk.isEmpty()) return;
    for (FeedPages.Page page : FeedPages.pages(chunk)) {
      insert.setString(1, page.projectId());
      insert.setLong(2, page.firstSeq());
      insert.setLong(3, page.lastSeq());
      insert.setString(4, page.entries());
      insert.addBatch();
    }
    insert.executeBatch();
    chunk.clear();
  }
}
