package org.switchboard.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PostgreSQL for tests: SWITCHBOARD_TEST_PG_URL when set, else one embedded server per test JVM. Each caller gets
 * a database of its own.
 */
public final class Pg {
  public record Target(String url, String user, String password) {}

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres embedded;
  private static String adminUrl;
  private static String user;
  private static String password;

  private Pg() {}

  public static synchronized Target freshDatabase() {
    try {
      if (adminUrl == null) start();
      String name = "sb_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000 + "_" + COUNTER.incrementAndGet();
      try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      }
      return new Target(adminUrl.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1"), user, password);
    } catch (Exception e) {
      throw new IllegalStateException("cannot prepare a PostgreSQL database for tests", e);
    }
  }

  /** The server's data directory as it names it, or null when it does not say (a role without the right to read it). */
  public static Path dataDirectory(Target target) {
    try (Connection c = DriverManager.getConnection(target.url(), target.user(), target.password());
         Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW data_directory")) {
      return r.next() ? Path.of(r.getString(1)) : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Drops a database {@link #freshDatabase} made, so that runs against a server of one's own leave nothing behind. */
  public static synchronized void drop(Target target) {
    String name = target.url().replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
    if (!name.startsWith("sb_")) return; // only what freshDatabase made
    try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (Exception e) {
      // best effort: a database left behind is only disk
    }
  }

  private static void start() throws Exception {
    String external = System.getenv("SWITCHBOARD_TEST_PG_URL");
    if (external != null && !external.isBlank()) {
      adminUrl = external;
      user = System.getenv("SWITCHBOARD_TEST_PG_USER");
      password = System.getenv("SWITCHBOARD_TEST_PG_PASSWORD");
      return;
    }
    // The builder's default is synchronous_commit off; a production server's (and what the bench measures) is on.
    embedded = EmbeddedPostgres.builder().setServerConfig("max_connections", "300")
        .setServerConfig("synchronous_commit", "on").start();
    adminUrl = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres";
    user = "postgres";
    password = "postgres";
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        embedded.close();
      } catch (Exception ignored) {
        // the JVM is ending
      }
    }));
  }
}
