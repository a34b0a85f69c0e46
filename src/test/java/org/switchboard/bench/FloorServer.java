package org.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.switchboard.http.RequestView;
import org.switchboard.http.Requests;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;

/**
 * The floor of a durable asynchronous ingest on Switchboard's own stack: what any design of the trigger call must do
 * at the least before it answers 202, and nothing more. On Jetty with virtual threads it reads and parses the body
 * as the node does ({@link Requests#payload}), checks the bearer secret against a stored digest in constant time,
 * stores one row through the product's {@link GroupCommitter} on the product's {@link Database} (SQLite's WAL synced
 * before the answer, or a PostgreSQL commit), and answers 202 with the event's id. No trigger lookup, no
 * conversation, no turn, no feed, no queue. A goal this floor misses on a machine, measured in turns with the
 * ceiling, cannot be met there by the product (docs/benchmarks.md). Usage: {@code FloorServer <port> sqlite <dir>}
 * or {@code FloorServer <port> postgres <url> <user> <password>}.
 */
public final class FloorServer {
  static final String SECRET = "floor-secret";
  private static final String INSERT = "INSERT INTO floor_events (id, payload, created_at) VALUES (?, ?, ?)";

  /** Starts one in a process of its own, with this process's Java and class path, and returns once it listens. */
  static Process start(List<String> jvmOptions, int port, List<String> database) throws IOException {
    List<String> options = new java.util.ArrayList<>(jvmOptions);
    options.add("--enable-native-access=ALL-UNNAMED");
    List<String> args = new java.util.ArrayList<>(List.of(String.valueOf(port)));
    args.addAll(database);
    return CeilingServer.launch(options, FloorServer.class, args, "floor");
  }

  public static void main(String[] args) throws Exception {
    Database db = "sqlite".equals(args[1]) ? Database.sqlite(Path.of(args[2]))
        : Database.postgres(args[2], blankToNull(args[3]), blankToNull(args[4]));
    db.write(h -> h.execute("CREATE TABLE IF NOT EXISTS floor_events (id TEXT PRIMARY KEY, payload TEXT NOT NULL, "
        + "created_at BIGINT NOT NULL)"));
    GroupCommitter committer = new GroupCommitter(db, new SimpleMeterRegistry());
    byte[] secretDigest = digest(SECRET);
    // Only the group commit's one thread inserts. A statement per physical connection (the pool's proxy is new on
    // every loan and closes what was prepared through it) spares SQLite a prepare per row, as the product's cache does.
    Map<Connection, PreparedStatement> inserts = new ConcurrentHashMap<>();

    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("floor-", 0).factory()));
    Server server = new Server(threads);
    var connector = new org.eclipse.jetty.server.ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[0]));
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RequestView view = RequestView.of(request);
        String token = Requests.token(view);
        if (token == null || !MessageDigest.isEqual(digest(token), secretDigest)) {
          response.setStatus(401);
          response.write(true, null, callback);
          return true;
        }
        JsonNode payload = Requests.payload(view, 1 << 20);
        String id = Ids.event();
        String stored = Json.write(payload);
        long now = System.currentTimeMillis();
        committer.submit(h -> {
          PreparedStatement insert = inserts.computeIfAbsent(h.getConnection().unwrap(Connection.class), FloorServer::prepare);
          insert.setString(1, id);
          insert.setString(2, stored);
          insert.setLong(3, now);
          return insert.executeUpdate();
        });
        response.setStatus(202);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        byte[] body = ("{\"eventId\":\"" + id + "\",\"status\":\"accepted\"}").getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
      }
    });
    server.start();
    System.out.println("ready");
    server.join();
  }

  private static PreparedStatement prepare(Connection c) {
    try {
      return c.prepareStatement(INSERT);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** As the trigger call digests a secret (SHA-256), so that the compare is the product's. */
  private static byte[] digest(String token) throws java.security.NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
  }

  /** The rows the floor stored: every acknowledged request must be one. */
  static long stored(Connection c) throws SQLException {
    try (var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM floor_events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String blankToNull(String s) { return s.isEmpty() ? null : s; }

  private FloorServer() {}
}
