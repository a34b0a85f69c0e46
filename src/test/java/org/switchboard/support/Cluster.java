package org.switchboard.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Several real server processes on one PostgreSQL on loopback. The PostgreSQL is this cluster's own, so a test may
 * stop and start it under load; nodes share the secret key, as a deployment must.
 */
public final class Cluster implements AutoCloseable {
  public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  private final Path dir;
  private final EmbeddedPostgres postgres;
  private final String url;
  private final Path dataDir;
  private final Path binDir;
  private final List<ServerProcess> nodes = new ArrayList<>();
  private Process restarted;

  private Cluster(Path dir, EmbeddedPostgres postgres) throws Exception {
    this.dir = dir;
    this.postgres = postgres;
    this.url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    this.dataDir = dir.resolve("pgdata");
    // The postgres binary sits beside pg_ctl.
    this.binDir = Path.of(postmaster().info().command()
        .orElseThrow(() -> new IllegalStateException("cannot find the postgres binary"))).getParent();
  }

  /** The running postmaster: its pid is the first line of postmaster.pid. */
  private ProcessHandle postmaster() throws IOException {
    long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
  }

  public static Cluster start(int size) throws Exception {
    Path dir = Files.createTempDirectory("cluster");
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pgdata"))
        // The builder's synchronous_commit=off stays on purpose: MultiNodeIT's PostgreSQL crash then checks that
        // Switchboard's own connections commit durably on such a server.
        .setServerConfig("max_connections", "200").start();
    Cluster cluster = new Cluster(dir, pg);
    for (int i = 0; i < size; i++) cluster.nodes.add(cluster.startNode(i));
    return cluster;
  }

  private ServerProcess startNode(int i) throws Exception {
    Map<String, String> env = ServerProcess.env(dir.resolve("node" + i), new Pg.Target(url, "postgres", "postgres"));
    env.put("SWITCHBOARD_SECRET_KEY", SECRET_KEY);
    env.put("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true");
    return ServerProcess.start(env, dir.resolve("node" + i + ".log"), List.of("-Xmx256m", "-XX:+UseSerialGC"));
  }

  public int size() { return nodes.size(); }

  public ServerProcess node(int i) { return nodes.get(i); }

  /** The admin client of node {@code i % size}: spreads calls over the nodes. */
  public Http admin(int i) { return nodes.get(Math.floorMod(i, nodes.size())).admin; }

  /** Starts node {@code i} again (after a kill), on a new port. */
  public ServerProcess restartNode(int i) throws Exception {
    nodes.get(i).close();
    nodes.set(i, startNode(i));
    return nodes.get(i);
  }

  public String jdbcUrl() { return url; }

  public boolean postgresAnswers() {
    try (var c = DriverManager.getConnection(url, "postgres", "postgres")) {
      return c.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }

  /** Stops PostgreSQL (fast shutdown: open sessions are cut, as in a failover or a restart for maintenance). */
  public void stopPostgres() throws Exception {
    // SIGINT is PostgreSQL's fast shutdown; pg_ctl would refuse to run as root, as CI may be.
    ProcessHandle postmaster = postmaster();
    run("kill", "-INT", String.valueOf(postmaster.pid()));
    postmaster.onExit().get(60, TimeUnit.SECONDS);
  }

  /**
   * Crashes PostgreSQL: kill -9 of the postmaster and every process under it. What its WAL buffers held is gone; what
   * reached the operating system survives (a crash, not a power cut) and crash recovery replays it at the next start.
   */
  public void crashPostgres() throws Exception {
    ProcessHandle postmaster = postmaster();
    List<ProcessHandle> all = Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList();
    all.forEach(ProcessHandle::destroyForcibly); // SIGKILL
    for (ProcessHandle p : all) p.onExit().get(60, TimeUnit.SECONDS);
  }

  /** Starts PostgreSQL again with the options it had, on the same port and data. */
  public void startPostgres() throws Exception {
    List<String> command = new ArrayList<>();
    // PostgreSQL refuses to run as root; like zonky, run it in a user namespace where we are not.
    if ("root".equals(System.getProperty("user.name"))) command.addAll(List.of("unshare", "-U"));
    Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(Files.readString(dataDir.resolve("postmaster.opts")));
    command.add(pgBinary("postgres"));
    while (m.find()) command.add(m.group(1));
    restarted = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile())).start();
    TestApp.eventually(30_000, this::postgresAnswers, "PostgreSQL to start again");
  }

  private String pgBinary(String name) { return binDir.resolve(name).toString(); }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      for (ServerProcess node : nodes) node.close();
      if (restarted != null && restarted.isAlive()) stopPostgres();
      // else zonky stops the one it started
      postgres.close();
    } finally {
      Dirs.deleteSubdirectories(dir); // the nodes' logs stay
    }
  }
}
