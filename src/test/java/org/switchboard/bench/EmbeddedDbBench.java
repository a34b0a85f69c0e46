package org.switchboard.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares the two embedded candidates for durable event intake: SQLite (WAL, synchronous=FULL) and H2 (MVStore,
 * WRITE_DELAY=0). Measures inserts per second committed in groups of 1, 16 and 128 rows, and checks that every row
 * acknowledged after its commit survives a kill -9 of the writing process.
 *
 * <p>Run: {@code bench/embedded-db}. Not a test: figures go to docs/decisions.md.
 */
public final class EmbeddedDbBench {
  private static final String PAYLOAD = "{\"order\":12345,\"status\":\"shipped\",\"note\":\"" + "x".repeat(200) + "\"}";

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("writer")) {
      writer(args[1], Path.of(args[2]));
      return;
    }
    for (String db : List.of("sqlite", "h2")) {
      for (int batch : new int[] {1, 16, 128}) {
        Path dir = Files.createTempDirectory("dbbench");
        try (Connection c = open(db, dir)) {
          schema(c);
          int rows = batch == 1 ? 2_000 : 40_000;
          long start = System.nanoTime();
          insert(c, rows, batch);
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf("%-6s batch %3d: %8.0f rows/s (%d rows in %.2f s)%n", db, batch, rows / seconds, rows, seconds);
        }
      }
      System.out.printf("%-6s kill -9: %s%n", db, crashCheck(db));
    }
  }

  static Connection open(String db, Path dir) throws Exception {
    if (db.equals("sqlite")) {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bench.db"));
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
      }
      return c;
    }
    return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("bench") + ";WRITE_DELAY=0", "sa", "");
  }

  static void schema(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS events (id VARCHAR(40) PRIMARY KEY, payload TEXT NOT NULL, received_at BIGINT NOT NULL)");
    }
    c.setAutoCommit(false);
  }

  static void insert(Connection c, int rows, int batch) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (id, payload, received_at) VALUES (?, ?, ?)")) {
      for (int i = 0; i < rows; i++) {
        ps.setString(1, "evt_" + System.nanoTime() + "_" + i);
        ps.setString(2, PAYLOAD);
        ps.setLong(3, System.currentTimeMillis());
        ps.executeUpdate();
        if ((i + 1) % batch == 0) c.commit();
      }
      c.commit();
    }
  }

  /** A child process inserts rows in groups of 16 and prints each id after its commit; we kill it mid-stream. */
  static void writer(String db, Path dir) throws Exception {
    try (Connection c = open(db, dir)) {
      schema(c);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (id, payload, received_at) VALUES (?, ?, ?)")) {
        for (int i = 0; ; i++) {
          String[] ids = new String[16];
          for (int j = 0; j < 16; j++) {
            ids[j] = "evt_" + i + "_" + j;
            ps.setString(1, ids[j]);
            ps.setString(2, PAYLOAD);
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
          }
          c.commit();
          for (String id : ids) System.out.println(id);
          System.out.flush();
        }
      }
    }
  }

  static String crashCheck(String db) throws Exception {
    Path dir = Files.createTempDirectory("dbcrash");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmbeddedDbBench.class.getName(),
        "writer", db, dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Set<String> acknowledged = new HashSet<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      long until = System.currentTimeMillis() + 3000;
      String line;
      while (System.currentTimeMillis() < until && (line = out.readLine()) != null) acknowledged.add(line);
      p.destroyForcibly();
      p.waitFor();
    }
    Set<String> stored = new HashSet<>();
    try (Connection c = open(db, dir); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM events")) {
      while (rs.next()) stored.add(rs.getString(1));
    }
    Set<String> lost = new HashSet<>(acknowledged);
    lost.removeAll(stored);
    return acknowledged.size() + " acknowledged, " + lost.size() + " lost";
  }
}
