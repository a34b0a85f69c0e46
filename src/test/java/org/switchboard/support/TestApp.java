package org.switchboard.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.switchboard.App;
import org.switchboard.Config;
import org.switchboard.model.Json;
import org.switchboard.processing.EventProcessor;

/** A real Switchboard node on loopback, on SQLite in a temp dir or on a fresh PostgreSQL database. */
public final class TestApp implements AutoCloseable {
  public static final String ADMIN = "test-admin-token-0123456789";
  public static final EventProcessor.RetryPolicy FAST_RETRY = new EventProcessor.RetryPolicy(3, new long[] {50, 100});
  /** Deliveries retry after 0.2, 0.4 and 0.8 s, time out after 1 s; a subscription failing for 3 s is disabled. */
  public static final org.switchboard.delivery.Dispatcher.Schedule FAST_DELIVERY =
      new org.switchboard.delivery.Dispatcher.Schedule(new long[] {200, 400, 800}, 3_000, java.time.Duration.ofSeconds(1));

  public App app;
  public Http admin;
  public final Path dataDir;
  public final DbKind kind;
  private final Config config;
  private boolean startWorker;
  private final Pg.Target pg;

  private TestApp(App app, Path dataDir, DbKind kind, Config config, boolean startWorker, Pg.Target pg) {
    this.app = app;
    this.pg = pg;
    this.dataDir = dataDir;
    this.kind = kind;
    this.config = config;
    this.startWorker = startWorker;
    this.admin = new Http("http://127.0.0.1:" + app.port(), ADMIN);
  }

  /** A second node on the same database (PostgreSQL), as in a multi-node deployment. */
  public App anotherNode() {
    return App.start(config, new PrintStream(OutputStream.nullOutputStream()), new App.Options(startWorker, FAST_RETRY, FAST_DELIVERY));
  }

  /** Stops the node and starts a new one on the same database (a restart). */
  public void restart() { restart(startWorker); }

  /** A restart into a node that does or does not run workers, dispatcher and schedules. */
  public void restart(boolean startWorker) {
    this.startWorker = startWorker;
    app.close();
    app = App.start(config, new PrintStream(OutputStream.nullOutputStream()), new App.Options(startWorker, FAST_RETRY, FAST_DELIVERY));
    admin = new Http("http://127.0.0.1:" + app.port(), ADMIN);
  }

  public static TestApp start(DbKind kind) { return start(kind, Map.of(), true); }

  public static TestApp start(DbKind kind, Map<String, String> env, boolean startWorker) {
    try {
      Path dir = Files.createTempDirectory("switchboard-test");
      Map<String, String> vars = new HashMap<>(env);
      vars.put("SWITCHBOARD_HTTP_PORT", "0");
      vars.put("SWITCHBOARD_DATA_DIR", dir.toString());
      vars.put("SWITCHBOARD_ADMIN_TOKEN", ADMIN);
      vars.put("SWITCHBOARD_DEMO", "false");
      Pg.Target pg = null;
      if (kind == DbKind.POSTGRES) {
        pg = Pg.freshDatabase();
        vars.put("SWITCHBOARD_DB_URL", pg.url());
        if (pg.user() != null) vars.put("SWITCHBOARD_DB_USER", pg.user());
        if (pg.password() != null) vars.put("SWITCHBOARD_DB_PASSWORD", pg.password());
      }
      Config config = Config.load(vars, List.of());
      App app = App.start(config, new PrintStream(OutputStream.nullOutputStream()),
          new App.Options(startWorker, FAST_RETRY, FAST_DELIVERY));
      return new TestApp(app, dir, kind, config, startWorker, pg);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Http client(String token) { return admin.as(token); }

  public Http anonymous() { return admin.as(null); }

  /** Creates a project and returns its id. */
  public String project(String name) { return Fixtures.project(admin, name); }

  public String apiKey(String projectId, String... permissions) { return Fixtures.apiKey(admin, projectId, permissions); }

  /** Creates and publishes a bot from a YAML flow; returns its id. */
  public String bot(String projectId, String yaml) { return Fixtures.bot(admin, projectId, yaml); }

  /** Creates a trigger with extra fields; returns the whole answer. */
  public JsonNode trigger(String projectId, String botId, Map<String, Object> fields) {
    return Fixtures.trigger(admin, projectId, botId, fields);
  }

  public static final String ECHO = """
      on:
        trigger: { "*": echo }
        message: echo
      nodes:
        echo:
          - say: "echo {{event.payload.n}}{{event.text}}"
      """;

  /** Polls until the condition holds or fails the test after the timeout. */
  public static void eventually(long timeoutMs, BooleanSupplier condition, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for: " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public JsonNode event(String eventId) {
    return admin.get("/v1/events/" + eventId).json();
  }

  public JsonNode awaitEvent(String eventId, String status) {
    eventually(20_000, () -> status.equals(event(eventId).path("status").asText()), "event " + eventId + " " + status);
    return event(eventId);
  }

  public static JsonNode json(String text) { return Json.read(text); }

  @Override
  public void close() {
    try {
      app.close();
    } finally {
      Dirs.deleteTree(dataDir);
      if (pg != null) Pg.drop(pg);
    }
  }
}
