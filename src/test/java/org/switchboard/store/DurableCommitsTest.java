package org.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.switchboard.support.Pg;

/**
 * A PostgreSQL whose database turned synchronous_commit off still gets durable commits from Switchboard (a 2xx
 * follows the commit); any other value is the operator's and stays.
 */
class DurableCommitsTest {
  private final Logger log = (Logger) LoggerFactory.getLogger(Database.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Pg.Target pg;
  private Database db;

  @AfterEach
  void close() {
    log.detachAppender(logged);
    if (db != null) db.close();
    if (pg != null) Pg.drop(pg);
  }

  @Test
  void aDatabaseWithAsynchronousCommitsIsCommittedToSynchronously() throws Exception {
    assertThat(openWith("off")).as("every pooled connection's setting").containsOnly("on");
    assertThat(warnings()).singleElement().asString().contains("synchronous_commit off");
  }

  @Test
  void anyOtherSettingIsTheOperatorsAndStays() throws Exception {
    assertThat(openWith("local")).containsOnly("local");
    assertThat(warnings()).isEmpty();
  }

  /** Sets the database's default, opens and migrates Switchboard on it, and reads the setting on several connections. */
  private List<String> openWith(String setting) throws Exception {
    pg = Pg.freshDatabase();
    try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
         Statement s = c.createStatement();
         ResultSet name = s.executeQuery("SELECT current_database()")) {
      name.next();
      s.execute("ALTER DATABASE " + name.getString(1) + " SET synchronous_commit = " + setting);
    }
    logged.start();
    log.addAppender(logged);
    db = Database.postgres(pg.url(), pg.user(), pg.password());
    db.migrate();
    // Three connections held at once by three threads, so the pool must open more than its first.
    CyclicBarrier together = new CyclicBarrier(3);
    List<String> seen;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> shown = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        shown.add(threads.submit(() -> db.read(h -> {
          String s = show(h);
          together.await(10, TimeUnit.SECONDS);
          return s;
        })));
      }
      seen = new ArrayList<>();
      for (Future<String> s : shown) seen.add(s.get());
    }
    assertThat(seen.stream().map(s -> s.split(" ")[0]).distinct()).hasSize(3);
    return seen.stream().map(s -> s.split(" ")[1]).toList();
  }

  /** The connection's server process and its setting. */
  private static String show(Handle h) {
    return h.createQuery("SELECT pg_backend_pid() || ' ' || current_setting('synchronous_commit')")
        .mapTo(String.class).one();
  }

  private List<String> warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }
}
