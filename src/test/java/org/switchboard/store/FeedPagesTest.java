package org.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.model.Delivery;
import org.switchboard.model.Notification;
import org.switchboard.support.DbKind;
import org.switchboard.support.Pg;

/** The feed stored in pages reads back as one notification per seq, on both databases, and old rows move into it. */
class FeedPagesTest {
  private static final String PROJECT = "prj_a";

  private Database db;
  private Pg.Target pg;

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  private Database open(DbKind kind, Path dir) {
    if (kind == DbKind.SQLITE) return Database.sqlite(dir);
    pg = Pg.freshDatabase();
    return Database.postgres(pg.url(), pg.user(), pg.password());
  }

  /** Notification {@code seq} of {@code project}: its data names it, and every third shares its data with the last. */
  private static List<OutboxStore.NewNotification> numbered(String project, long from, long to) {
    List<OutboxStore.NewNotification> out = new ArrayList<>();
    String shared = null;
    for (long seq = from; seq <= to; seq++) {
      if (seq % 3 != 0) shared = "{\"n\":" + seq + ",\"text\":\"quote \\\" and é\"}";
      out.add(new OutboxStore.NewNotification(new Notification("ntf_" + seq, project, seq, seq % 2 == 0 ? "a.even" : "a.odd",
          "cnv_" + seq, seq % 5 == 0 ? null : "bot_1", null, null, 1_000 + seq), shared, null, null));
    }
    return out;
  }

  private void store(List<OutboxStore.NewNotification> notifications) {
    db.write(h -> {
      OutboxStore.insertNotifications(h, notifications);
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(DbKind.class)
  void everySeqReadsBackOnceAcrossPageEdgesWhateverTheCursorAndLimit(DbKind kind, @org.junit.jupiter.api.io.TempDir Path dir) {
    db = open(kind, dir);
    db.migrate();
    store(numbered(PROJECT, 1, 300)); // pages of 128, 128 and 44
    store(numbered(PROJECT, 301, 301));
    store(numbered(PROJECT, 302, 340));
    store(numbered("prj_b", 1, 10));
    for (long after : new long[] {0, 1, 127, 128, 129, 255, 256, 257, 299, 300, 301, 339, 340, 500}) {
      for (int limit : new int[] {1, 7, 100, 1_000}) {
        List<Notification> read = db.read(h -> OutboxStore.feedAfter(h, PROJECT, after, limit));
        long last = Math.min(340, after + limit);
        assertThat(read).extracting(Notification::seq).as("after %d, limit %d", after, limit)
            .containsExactlyElementsOf(LongStream.rangeClosed(after + 1, last).boxed().toList());
      }
    }
    Notification n = db.read(h -> OutboxStore.feedAfter(h, PROJECT, 128, 3)).get(2); // seq 131, data of 130
    assertThat(n.id()).isEqualTo("ntf_131");
    assertThat(n.topic()).isEqualTo("a.odd");
    assertThat(n.conversationId()).isEqualTo("cnv_131");
    assertThat(n.botId()).isEqualTo("bot_1");
    assertThat(n.createdAt()).isEqualTo(1_131);
    assertThat(n.data().get("n").asLong()).isEqualTo(131);
    assertThat(n.data().get("text").asText()).isEqualTo("quote \" and é");
    Notification shared = db.read(h -> OutboxStore.feedAfter(h, PROJECT, 131, 1)).getFirst(); // seq 132 shares 131's data
    assertThat(shared.data()).isEqualTo(n.data()).isNotSameAs(n.data());
    assertThat(db.read(h -> OutboxStore.feedAfter(h, PROJECT, 4, 1)).getFirst().botId()).isNull();
    List<Notification> other = db.read(h -> OutboxStore.feedAfter(h, "prj_b", 0, 100));
    assertThat(other).hasSize(10);
  }

  @ParameterizedTest
  @EnumSource(DbKind.class)
  void deliveriesFindTheirNotificationsBySeqInAnyPage(DbKind kind, @org.junit.jupiter.api.io.TempDir Path dir) {
    db = open(kind, dir);
    db.migrate();
    store(numbered(PROJECT, 1, 300));
    store(numbered("prj_b", 1, 10));
    List<Delivery> deliveries = new ArrayList<>();
    for (long seq : new long[] {300, 1, 128, 129, 5, 129}) deliveries.add(delivery(PROJECT, seq));
    deliveries.add(delivery("prj_b", 7));
    deliveries.add(delivery(PROJECT, 999)); // not in the feed
    List<Notification> found = db.read(h -> OutboxStore.notificationsOf(h, deliveries));
    assertThat(found).extracting(Notification::id)
        .containsExactlyInAnyOrder("ntf_1", "ntf_5", "ntf_128", "ntf_129", "ntf_300", "ntf_7");
    assertThat(found).filteredOn(x -> x.projectId().equals("prj_b")).extracting(Notification::seq).containsExactly(7L);
  }

  private static Delivery delivery(String project, long seq) {
    return new Delivery("dlv_" + seq, "sub_1", "ntf_" + seq, project, null, seq, false, Delivery.PENDING, 0, 0, 0,
        null, null, 0, null);
  }

  /** Opens {@link #db} on a database migrated up to {@code version} only, and a plain connection to it. */
  private Connection migratedTo(DbKind kind, Path dir, String version) throws java.sql.SQLException {
    db = open(kind, dir);
    String url = kind == DbKind.SQLITE ? "jdbc:sqlite:" + dir.resolve("switchboard.db") : pg.url();
    String user = pg == null ? null : pg.user();
    String password = pg == null ? null : pg.password();
    Flyway.configure().dataSource(url, user, password)
        .locations("classpath:db/migration", "classpath:org/switchboard/store/migration").target(version).load().migrate();
    return DriverManager.getConnection(url, user, password);
  }

  @ParameterizedTest
  @EnumSource(DbKind.class)
  void notificationsStoredOneARowBeforeThePagesReadBackTheSame(DbKind kind, @org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    try (Connection c = migratedTo(kind, dir, "10");
         PreparedStatement insert = c.prepareStatement("INSERT INTO notifications (id, project_id, seq, topic, conversation_id, "
             + "bot_id, contact_external_id, data, event_id, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int seq = 1; seq <= 200; seq++) {
        if (seq == 150) continue; // a gap
        Object[] row = {"ntf_" + seq, PROJECT, seq, "message.created", "cnv_1", "bot_1", seq == 2 ? "ext-2" : null,
            "{\"message\":{\"id\":\"msg_" + seq + "\",\"payload\":{\"text\":\"old copy\"}}}", null, null, 5_000L + seq};
        for (int i = 0; i < row.length; i++) insert.setObject(i + 1, row[i]);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    db.migrate();
    List<Notification> feed = db.read(h -> OutboxStore.feedAfter(h, PROJECT, 0, 1_000));
    assertThat(feed).hasSize(199).extracting(Notification::seq).doesNotContain(150L).contains(1L, 149L, 151L, 200L);
    Notification second = feed.get(1);
    assertThat(second.id()).isEqualTo("ntf_2");
    assertThat(second.contactExternalId()).isEqualTo("ext-2");
    assertThat(second.createdAt()).isEqualTo(5_002);
    assertThat(second.data().get("message").get("payload").get("text").asText()).isEqualTo("old copy");
    List<Notification> overTheGap = db.read(h -> OutboxStore.feedAfter(h, PROJECT, 149, 2));
    assertThat(overTheGap).extracting(Notification::seq).containsExactly(151L, 152L);
  }

  @ParameterizedTest
  @EnumSource(DbKind.class)
  void pagesWrittenAsJsonBeforeTheyWereDeflatedReadBackTheSame(DbKind kind, @org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    List<FeedPages.Page> pages = new ArrayList<>(FeedPages.pages(numbered(PROJECT, 1, 300)));
    pages.addAll(FeedPages.pages(numbered("prj_b", 1, 10)));
    try (Connection c = migratedTo(kind, dir, "11");
         PreparedStatement insert = c.prepareStatement(FeedPages.INSERT)) {
      for (FeedPages.Page page : pages) {
        insert.setString(1, page.projectId());
        insert.setLong(2, page.firstSeq());
        insert.setLong(3, page.lastSeq());
        insert.setString(4, page.entries()); // as version 11 stored them
        insert.addBatch();
      }
      insert.executeBatch();
    }
    db.migrate();
    List<Notification> feed = db.read(h -> OutboxStore.feedAfter(h, PROJECT, 0, 1_000));
    assertThat(feed).extracting(Notification::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, 300).boxed().toList());
    assertThat(feed.get(130).data().get("text").asText()).isEqualTo("quote \" and é");
    assertThat(feed.get(131).data()).isEqualTo(feed.get(130).data()); // seq 132 shares 131's data
    List<Notification> other = db.read(h -> OutboxStore.feedAfter(h, "prj_b", 0, 100));
    assertThat(other).hasSize(10);
    store(numbered(PROJECT, 301, 310)); // and new pages go on from there
    List<Notification> acrossTheMigration = db.read(h -> OutboxStore.feedAfter(h, PROJECT, 295, 100));
    assertThat(acrossTheMigration).extracting(Notification::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(296, 310).boxed().toList());
  }

  @ParameterizedTest
  @EnumSource(DbKind.class)
  void aPageIsStoredDeflated(DbKind kind, @org.junit.jupiter.api.io.TempDir Path dir) {
    db = open(kind, dir);
    db.migrate();
    List<OutboxStore.NewNotification> notifications = numbered(PROJECT, 1, 128);
    store(notifications);
    byte[] stored = db.read(h -> h.createQuery("SELECT entries FROM feed_pages WHERE project_id = :p").bind("p", PROJECT)
        .mapTo(byte[].class).one());
    String json = FeedPages.pages(notifications).getFirst().entries();
    assertThat(new String(FeedPages.inflate(stored), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(json);
    assertThat(stored.length).isLessThan(json.length() / 4);
  }
}
