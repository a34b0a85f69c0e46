package org.switchboard.store.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.switchboard.store.FeedPages;

/**
 * Feed pages are stored deflated ({@link FeedPages.Page#packed}): the table is made again with a binary column, and
 * every page written before is deflated into it with the code that writes new ones.
 */
public final class V12__Feed_pages_deflated extends BaseJavaMigration {
  private static final int CHUNK = 1_024;

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE feed_pages_deflated (project_id TEXT NOT NULL, first_seq BIGINT NOT NULL, "
          + "last_seq BIGINT NOT NULL, entries " + (postgres ? "BYTEA" : "BLOB") + " NOT NULL, "
          + "PRIMARY KEY (project_id, first_seq))");
    }
    try (Statement read = c.createStatement();
         PreparedStatement insert = c.prepareStatement("INSERT INTO feed_pages_deflated (project_id, first_seq, last_seq, "
             + "entries) VALUES (?, ?, ?, ?)")) {
      read.setFetchSize(CHUNK); // PostgreSQL's driver would otherwise hold every row in memory at once
      ResultSet rs = read.executeQuery("SELECT project_id, first_seq, last_seq, entries FROM feed_pages");
      for (int rows = 1; rs.next(); rows++) {
        FeedPages.Page page = new FeedPages.Page(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4));
        insert.setString(1, page.projectId());
        insert.setLong(2, page.firstSeq());
        insert.setLong(3, page.lastSeq());
        insert.setBytes(4, page.packed());
        insert.addBatch();
        if (rows % CHUNK == 0) insert.executeBatch();
      }
      insert.executeBatch();
    }
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE feed_pages");
      s.execute("ALTER TABLE feed_pages_deflated RENAME TO feed_pages");
      if (postgres) s.execute("ALTER INDEX feed_pages_deflated_pkey RENAME TO feed_pages_pkey");
    }
  }
}
