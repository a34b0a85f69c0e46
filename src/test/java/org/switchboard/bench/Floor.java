package org.switchboard.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.switchboard.support.Pg;
import org.switchboard.support.ServerProcess;

/** A {@link FloorServer} on the embedded database or PostgreSQL, with what the bench reads of it. */
final class Floor implements AutoCloseable {
  private final Process process;
  private final String url;
  private final Path dataDir;
  private final Pg.Target pg;

  private Floor(Process process, int port, Path dataDir, Pg.Target pg) {
    this.process = process;
    this.url = "http://127.0.0.1:" + port + "/";
    this.dataDir = dataDir;
    this.pg = pg;
  }

  /** On SQLite under {@code dataDir}, or on {@code pg} when it is not null. */
  static Floor start(List<String> jvmOptions, Path dataDir, Pg.Target pg) throws Exception {
    int port = ServerProcess.freePort();
    List<String> database = pg == null ? List.of("sqlite", dataDir.toString())
        : List.of("postgres", pg.url(), pg.user() == null ? "" : pg.user(), pg.password() == null ? "" : pg.password());
    return new Floor(FloorServer.start(jvmOptions, port, database), port, dataDir, pg);
  }

  /** The stages' load: wrk posting the bench body with the floor's secret on 64 connections for {@code seconds}. */
  Wrk.Result post(int seconds) throws Exception {
    return Wrk.post(url, BenchRun.BODY, Map.of("Content-Type", "application/json",
        "Authorization", "Bearer " + FloorServer.SECRET), 64, seconds);
  }

  String url() { return url; }

  Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  long stored() throws Exception {
    try (Connection c = pg == null ? DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("switchboard.db"))
        : DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
      return FloorServer.stored(c);
    }
  }

  long pid() { return process.pid(); }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
    if (pg != null) Pg.drop(pg);
  }
}
