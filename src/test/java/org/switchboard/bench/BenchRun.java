package org.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.switchboard.support.Dirs;
import org.switchboard.support.Pg;
import org.switchboard.support.ServerProcess;

/**
 * The performance suite behind {@code bench/run}: every figure of the performance goals, each next to its goal,
 * taken side by side with a bare ceiling server on the same machine in the same run, in turns with it. Flags: {@code --quick}
 * (shorter runs, for trying a change; not for the record), {@code --only ingest,pipeline,growth,pg,floor} (a subset).
 */
public final class BenchRun {
  static final String BODY = "{\"message\":\"hi\"}";

  private final List<String> flags;
  private final boolean quick;
  private final List<String> jvmOptions;
  /** A node's options: the server's JVM options and those of ./switchboard serve's start-up archive. */
  private final List<String> nodeOptions;
  private final Path work;
  private final Report report = new Report();

  private BenchRun(List<String> flags) throws Exception {
    this.flags = flags;
    this.quick = flags.contains("--quick");
    String options = System.getProperty("switchboard.javaOpts", "").trim();
    this.jvmOptions = words(options);
    this.nodeOptions = new java.util.ArrayList<>(jvmOptions);
    nodeOptions.addAll(words(System.getProperty("switchboard.archiveOpts", "").trim()));
    this.work = Files.createTempDirectory("switchboard-bench");
  }

  static List<String> words(String options) {
    return options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
  }

  public static void main(String[] args) throws Exception {
    if (!Wrk.installed()) {
      System.err.println("bench: wrk is not installed (Debian: apt-get install wrk)");
      System.exit(2);
    }
    new BenchRun(List.of(args)).run();
    System.exit(0);
  }

  private boolean wants(String group) {
    int at = flags.indexOf("--only");
    return at < 0 || at + 1 >= flags.size() || List.of(flags.get(at + 1).split(",")).contains(group);
  }

  private int warmSeconds() { return quick ? 3 : 8; }

  /** The longest warm-up: a stage that still compiles after this is measured as it is. */
  private static final int MAX_WARM_SECONDS = 45;
  /**
   * A quick run waits for the compilers too, only less long: after its bare 3 s, a node still compiling measured an
   * ingest of 10-13% of the ceiling and 243-311 µs a request where the full run measured 22% and 120 µs, too far off
   * to try a change with.
   */
  private static final int QUICK_MAX_WARM_SECONDS = 20;

  /**
   * Runs {@code load} (a few seconds of work per call) until the server's JIT compilers have settled: at least
   * {@link #warmSeconds}, then until they used less than a tenth of a core over the last call. The figures are of
   * the steady state; a PostgreSQL node, with more code on its hot path and fewer requests a second, was still
   * compiling on half a core through a measurement that followed a fixed 8 s warm-up.
   */
  private void warm(Node node, WarmStep load) throws Exception {
    long started = System.nanoTime();
    while (true) {
      Duration compiledBefore = node.server.compilerCpuTime();
      long stepStarted = System.nanoTime();
      load.run(quick ? 3 : 4);
      double compilerCores = node.server.compilerCpuTime().minus(compiledBefore).toNanos() / (double) (System.nanoTime() - stepStarted);
      double warmed = (System.nanoTime() - started) / 1e9;
      if (warmed >= warmSeconds() && (compilerCores < 0.1 || warmed >= (quick ? QUICK_MAX_WARM_SECONDS : MAX_WARM_SECONDS))) return;
    }
  }

  @FunctionalInterface
  private interface WarmStep {
    void run(int seconds) throws Exception;
  }

  /** A stage's load for a window of {@code seconds}, as wrk reports it. */
  @FunctionalInterface
  interface Load {
    Wrk.Result post(int seconds) throws Exception;
  }

  private int measureSeconds() { return quick ? 5 : 15; }

  private void run() throws Exception {
    try {
      measureAll();
    } finally {
      // The nodes' data (several GB after the growth stage) goes; their logs stay for reading.
      Dirs.deleteSubdirectories(work);
      System.out.println("node logs: " + work);
    }
  }

  private void measureAll() throws Exception {
    report.header(jvmOptions, nodeOptions.size() > jvmOptions.size(), quick);
    try (Ceiling ceiling = Ceiling.start(jvmOptions)) {
      ceiling.post(warmSeconds());
      double atStart = ceiling.post(measureSeconds()).requestsPerSecond();
      report.line("ceiling at the start of the run: bare Jetty, read body, 202", "%,.0f req/s".formatted(atStart), "", null);
      report.storage("the embedded databases", work);
      stages(ceiling);
    }
    report.print();
  }

  private void stages(Ceiling ceiling) throws Exception {
    // Ingest leaves a backlog for the worker, so the measures that need an idle worker get a node of their own.
    if (wants("ingest")) try (Node node = Node.start(work.resolve("ingest"), null, nodeOptions, work.resolve("ingest.log"))) {
      report.ready("ingest", node.server.readyAfter());
      asyncIngest(node, ceiling, 0.40, "async ingest, embedded, 64 conns");
      report.rss(node.server.peakRssBytes());
    }
    if (wants("pipeline")) try (Node node = Node.start(work.resolve("pipeline"), null, nodeOptions, work.resolve("pipeline.log"))) {
      report.ready("pipeline", node.server.readyAfter());
      syncIngest(node, ceiling);
      endToEnd(node);
      report.rss(node.server.peakRssBytes());
    }
    if (wants("growth")) growth();
    if (wants("pg")) {
      Pg.Target pg = Pg.freshDatabase();
      Path pgData = Pg.dataDirectory(pg);
      if (pgData != null) report.storage("PostgreSQL's data", pgData);
      try (Node node = Node.start(work.resolve("pg"), pg, nodeOptions, work.resolve("pg.log"))) {
        report.ready("PostgreSQL", node.server.readyAfter());
        asyncIngest(node, ceiling, 0.25, "async ingest, PostgreSQL, 64 conns");
        report.rss(node.server.peakRssBytes());
      }
    }
    if (wants("floor")) {
      floor(ceiling, null, 0.40, "floor: one durable row per request, embedded (not a goal)");
      floor(ceiling, Pg.freshDatabase(), 0.25, "floor: one durable row per request, PostgreSQL (not a goal)");
    }
  }

  /**
   * The stage's load on {@code node} and the ceiling's, in turns of equal windows: the VM's speed drifts over
   * minutes (the ceiling alone measured from 47,000 to 89,000 req/s between runs), so a ratio is taken over
   * windows that share it. The node's CPU is counted over both kinds of window, so work it still does while the
   * ceiling is measured is charged to it.
   */
  private Beside besideCeiling(Node node, Node.Trigger trigger, Ceiling ceiling) throws Exception {
    return besideCeiling(node.server::cpuTime, trigger::post, ceiling);
  }

  private Beside besideCeiling(Supplier<Duration> serverCpu, Load load, Ceiling ceiling) throws Exception {
    Windows stage = new Windows();
    Windows bare = new Windows();
    int window = Math.max(2, measureSeconds() / TURNS);
    Duration cpuBefore = serverCpu.get();
    Duration idle = Duration.ZERO;
    for (int i = 0; i < TURNS; i++) {
      Duration before = serverCpu.get();
      bare.add(ceiling.post(window), window, Duration.ZERO);
      idle = idle.plus(serverCpu.get().minus(before));
      stage.add(load.post(window), window, Duration.ZERO);
    }
    stage.cpu = serverCpu.get().minus(cpuBefore);
    return new Beside(stage, bare, idle);
  }

  /**
   * The floor of the ingest goals on this machine: {@link FloorServer}, which does only what any durable async
   * ingest must (parse, secret, one row committed and synced, 202), in turns with the ceiling. A goal its ratio
   * misses cannot be met here by the product, whatever its design; the report prints it beside the goal.
   */
  private void floor(Ceiling ceiling, Pg.Target pg, double goal, String name) throws Exception {
    try (Floor floor = Floor.start(jvmOptions, work.resolve(pg == null ? "floor" : "floor-pg"), pg)) {
      for (int warmed = 0; warmed < Math.max(warmSeconds(), 12); warmed += 4) floor.post(4);
      long before = floor.stored();
      Beside measured = besideCeiling(floor::cpuTime, floor::post, ceiling);
      long stored = floor.stored() - before;
      Windows r = measured.stage();
      double ratio = r.perSecond() / measured.ceiling().perSecond();
      String reach = ratio >= goal ? "" : "; under the goal it bounds, so no durable design meets that goal in this run";
      report.line(name, "%,.0f req/s = %.1f%% of %,.0f (the ceiling in turns beside it); %.0f µs per request%s".formatted(
          r.perSecond(), 100 * ratio, measured.ceiling().perSecond(), r.cpuMicrosPerRequest(), reach),
          "(bounds >= %.0f%%)".formatted(goal * 100), null);
      report.line(name + ", p99 / non-2xx / acked vs stored", "%.1f ms / %d / %,d acked, %,d stored".formatted(
          r.percentileMs(99), r.non2xx + r.socketErrors, r.acknowledged, stored), "", null);
    }
  }

  /** A stage's windows, the ceiling's beside them, and the node's CPU during the ceiling's. */
  private record Beside(Windows stage, Windows ceiling, Duration nodeCpuDuringCeiling) {
    void report(Report report, String name, double goal) {
      report.ratio(name, stage.perSecond(), ceiling.perSecond(), goal);
      report.line(name + ", server CPU per request (its CPU while the ceiling ran: %.2f s)".formatted(
          nodeCpuDuringCeiling.toMillis() / 1e3), "%.0f µs".formatted(stage.cpuMicrosPerRequest()), "", null);
    }
  }

  private void asyncIngest(Node node, Ceiling ceiling, double goal, String name) throws Exception {
    Node.Trigger trigger = node.trigger("async", "\"sessionDurationSeconds\": 0");
    warm(node, trigger::post);
    long before = node.storedEvents(trigger.id());
    Beside measured = besideCeiling(node, trigger, ceiling);
    long stored = node.storedEvents(trigger.id()) - before;
    Windows r = measured.stage();
    measured.report(report, name, goal);
    double p99 = r.percentileMs(99);
    report.line(name + ", p99", "%.1f ms".formatted(p99), "<= 20 ms", p99 <= 20);
    report.line(name + ", non-2xx answers", "%d (+%d socket errors)".formatted(r.non2xx, r.socketErrors), "0",
        r.non2xx == 0 && r.socketErrors == 0);
    report.line(name + ", acknowledged vs stored", "%,d acked, %,d stored".formatted(r.acknowledged, stored),
        "every ack stored", stored >= r.acknowledged);
  }

  private static double microsPerRequest(Duration cpu, long acknowledged) {
    return cpu.toNanos() / 1e3 / Math.max(1, acknowledged);
  }

  private void syncIngest(Node node, Ceiling ceiling) throws Exception {
    Node.Trigger trigger = node.trigger("sync", "\"sessionDurationSeconds\": 0, \"waitForResponse\": true");
    warm(node, trigger::post);
    Beside measured = besideCeiling(node, trigger, ceiling);
    Windows r = measured.stage();
    measured.report(report, "sync trigger (one say), 64 conns", 0.15);
    report.line("sync trigger, p50 / p99 / non-2xx", "%.1f / %.1f ms / %d".formatted(r.percentileMs(50), r.percentileMs(99),
        r.non2xx), "", null);
  }

  private void endToEnd(Node node) throws Exception {
    try (SteadyLoad load = new SteadyLoad()) {
      Node.Trigger trigger = node.trigger("e2e", "\"sessionDurationSeconds\": 0");
      node.subscription(load.receiverUrl());
      warm(node, seconds -> load.run(trigger.url(), trigger.secret(), 3_000, seconds, 30));
      SteadyLoad.Result slow = load.run(trigger.url(), trigger.secret(), 1_000, quick ? 5 : 20, 30);
      report.line("end to end at 1,000/s: p50 / p99 from send to delivery", "%.1f / %.1f ms".formatted(slow.p50Ms(), slow.p99Ms()),
          "p50 <= 10 ms", slow.p50Ms() <= 10);
      // 1% over the goal: at exactly 10,000 offered, the events still on their way when the load stops keep the
      // delivered rate a hair under 10,000 however fast the node is.
      int rate = Integer.parseInt(System.getProperty("bench.e2eRate", "10100"));
      Duration cpuBefore = node.server.cpuTime();
      Duration rigBefore = rigCpuTime();
      Commits commitsBefore = node.commits();
      long started = System.nanoTime();
      SteadyLoad.Result fast = load.run(trigger.url(), trigger.secret(), rate, quick ? 10 : 60, 60);
      Commits commits = node.commits().minus(commitsBefore);
      double wallSeconds = (System.nanoTime() - started) / 1e9;
      Duration cpu = node.server.cpuTime().minus(cpuBefore);
      Duration rig = rigCpuTime().minus(rigBefore);
      boolean steady = fast.backlogAtEnd() <= rate && fast.refused() == 0 && fast.failed() == 0;
      report.line("end to end at %,d/s for %d s: delivered/s".formatted(rate, fast.seconds()),
          "%,.0f/s".formatted(fast.deliveredPerSecond()), ">= 10,000/s", fast.deliveredPerSecond() >= 10_000 && rate >= 10_000);
      report.line("end to end, backlog at the end / max (events not yet delivered)",
          "%,d / %,d (not yet answered %,d; refused %d, failed %d)".formatted(fast.backlogAtEnd(), fast.maxBacklog(),
              fast.unansweredAtEnd(), fast.refused(), fast.failed()),
          "<= 1 s of load", steady);
      report.line("end to end, p50 / p99 from send to delivery", "%.1f / %.1f ms".formatted(fast.p50Ms(), fast.p99Ms()), "", null);
      report.line("end to end, server CPU per delivered event", "%.0f µs".formatted(cpu.toNanos() / 1e3 / Math.max(1, fast.delivered())), "", null);
      report.line("end to end, the rig's CPU per event (sender and receiver)", "%.0f µs".formatted(rig.toNanos() / 1e3 / Math.max(1, fast.delivered())), "", null);
      report.line("end to end, the group commit (load and drain): busy / units per commit / time per commit",
          "%.0f%% / %.1f / %.2f ms".formatted(100 * commits.seconds() / wallSeconds, commits.units() / Math.max(1, commits.count()),
              1e3 * commits.seconds() / Math.max(1, commits.count())), "", null);
    }
  }

  /** The node's group commits so far, from its metrics: how many, their units, and the time they took. */
  record Commits(double count, double units, double seconds) {
    Commits minus(Commits o) { return new Commits(count - o.count, units - o.units, seconds - o.seconds); }
  }

  /** This process's CPU: the end-to-end load's sender and receiver share the two cores with the node. */
  private static Duration rigCpuTime() {
    return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private void growth() throws Exception {
    int count = quick ? 100_000 : 1_000_000;
    Path dir = work.resolve("grown");
    String projectId;
    String botId;
    String triggerId;
    try (Node node = Node.start(dir, null, nodeOptions, work.resolve("grown.log"))) {
      Node.Trigger trigger = node.trigger("history", "\"sessionDurationSeconds\": 0");
      projectId = node.projectId;
      botId = node.botId;
      triggerId = trigger.id();
    }
    long started = System.nanoTime();
    Prefill.events(dir, projectId, botId, triggerId, count);
    double prefillSeconds = (System.nanoTime() - started) / 1e9;
    // Both nodes run at once and are measured in turns: the VM's speed drifts over minutes, and the ingest stage's
    // figure from minutes before had put the same code anywhere from -16% to +16%.
    try (Node node = Node.start(dir, null, nodeOptions, work.resolve("grown.log"), projectId, botId);
         Node beside = Node.start(work.resolve("empty-beside"), null, nodeOptions, work.resolve("empty-beside.log"))) {
      report.ready("1,000,000 events", node.server.readyAfter());
      report.ready("empty, beside it", beside.server.readyAfter());
      Node.Trigger trigger = node.trigger("async-grown", "\"sessionDurationSeconds\": 0");
      Node.Trigger emptyTrigger = beside.trigger("async-empty", "\"sessionDurationSeconds\": 0");
      warm(node, trigger::post);
      warm(beside, emptyTrigger::post);
      Windows grown = new Windows();
      Windows empty = new Windows();
      int window = Math.max(1, measureSeconds() / TURNS);
      for (int i = 0; i < TURNS; i++) {
        grown.add(node, trigger, window);
        empty.add(beside, emptyTrigger, window);
      }
      double change = grown.perSecond() / empty.perSecond() - 1;
      report.line("async ingest with %,d events stored (filled in %.0f s)".formatted(count, prefillSeconds),
          "%,.0f req/s (%+.0f%% vs an empty node, in turns)".formatted(grown.perSecond(), change * 100),
          "within 10%", change >= -0.10);
      report.line("async ingest with %,d events stored, server CPU per request".formatted(count),
          "%.0f µs (empty: %.0f µs)".formatted(grown.cpuMicrosPerRequest(), empty.cpuMicrosPerRequest()), "", null);
      report.rss(node.server.peakRssBytes());
      report.rss(beside.server.peakRssBytes());
    }
  }

  /** Windows of load in turns: the growth stage's two nodes, a ratio's stage and the ceiling. */
  private static final int TURNS = 3;

  /** One server's windows of wrk load, summed: what they acknowledged, answered wrong and took of its CPU. */
  private static final class Windows {
    private long acknowledged;
    private long non2xx;
    private long socketErrors;
    private int seconds;
    private final List<Wrk.Result> runs = new java.util.ArrayList<>();
    private Duration cpu = Duration.ZERO;

    void add(Node node, Node.Trigger trigger, int window) throws Exception {
      Duration before = node.server.cpuTime();
      Wrk.Result r = trigger.post(window);
      add(r, window, node.server.cpuTime().minus(before));
    }

    void add(Wrk.Result r, int window, Duration cpuTaken) {
      acknowledged += r.acknowledged();
      non2xx += r.non2xx();
      socketErrors += r.socketErrors();
      seconds += window;
      runs.add(r);
      cpu = cpu.plus(cpuTaken);
    }

    /** The latency percentile over every window's requests together. */
    double percentileMs(double p) { return Wrk.percentileMs(runs, p); }

    double perSecond() { return acknowledged / (double) Math.max(1, seconds); }

    double cpuMicrosPerRequest() { return microsPerRequest(cpu, acknowledged); }
  }

  /** One Switchboard process with a project and a bot that says one line per event. */
  static final class Node implements AutoCloseable {
    static final String FLOW = "name: bench\non:\n  trigger:\n    \"*\": reply\nnodes:\n  reply:\n    - say: \"{{event.payload.n}}\"\n";

    record Trigger(String id, String url, String secret) {
      Map<String, String> headers() {
        return Map.of("Content-Type", "application/json", "Authorization", "Bearer " + secret);
      }

      /** The stages' load: wrk posting the bench body on 64 connections for {@code seconds}. */
      Wrk.Result post(int seconds) throws Exception {
        return Wrk.post(url, BODY, headers(), 64, seconds);
      }
    }

    final ServerProcess server;
    final Pg.Target pg;
    final Path dataDir;
    final String projectId;
    final String botId;
    private final org.switchboard.support.Http http;

    private Node(ServerProcess server, Pg.Target pg, Path dataDir, String projectId, String botId) {
      this.server = server;
      this.pg = pg;
      this.dataDir = dataDir;
      this.http = server.admin;
      this.projectId = projectId != null ? projectId : created(http.post("/v1/projects", Map.of("name", "bench")));
      this.botId = botId != null ? botId : created(http.post("/v1/projects/" + this.projectId + "/bots",
          Map.of("name", "bench", "definition", FLOW, "publish", true)));
    }

    static Node start(Path dataDir, Pg.Target pg, List<String> jvm, Path log) throws Exception {
      return start(dataDir, pg, jvm, log, null, null);
    }

    static Node start(Path dataDir, Pg.Target pg, List<String> jvm, Path log, String projectId, String botId) throws Exception {
      Map<String, String> env = ServerProcess.env(dataDir, pg);
      env.put("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true");
      ServerProcess server = ServerProcess.start(env, log, jvm);
      return new Node(server, pg, dataDir, projectId, botId);
    }

    Trigger trigger(String name, String extraFields) {
      JsonNode t = http.post("/v1/projects/" + projectId + "/triggers", org.switchboard.model.Json.read(
          "{\"name\": \"" + name + "\", \"botId\": \"" + botId + "\", " + extraFields + "}")).json();
      if (!t.has("id")) throw new IllegalStateException("trigger not created: " + t);
      return new Trigger(t.get("id").asText(), t.get("url").asText(), t.get("secret").asText());
    }

    void subscription(String url) {
      created(http.post("/v1/projects/" + projectId + "/subscriptions", Map.of("topics", List.of("message.created"),
          "url", url, "bodyTemplate", "{{message.payload.text}}")));
    }

    Commits commits() {
      String metrics = http.as(null).get("/metrics").body();
      return new Commits(metric(metrics, "switchboard_commit_batch_size_count"), metric(metrics, "switchboard_commit_batch_size_sum"),
          metric(metrics, "switchboard_commit_duration_seconds_sum"));
    }

    private static double metric(String metrics, String name) {
      for (String line : metrics.split("\n")) {
        if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
      return 0;
    }

    long storedEvents(String triggerId) throws Exception {
      try (Connection c = pg == null
          ? DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("switchboard.db"))
          : DriverManager.getConnection(pg.url(), pg.user(), pg.password());
           PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM events WHERE trigger_id = ?")) {
        s.setString(1, triggerId);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }

    private static String created(org.switchboard.support.Http.Response r) {
      if (r.status() != 201) throw new IllegalStateException("setup call failed: " + r);
      return r.json().get("id").asText();
    }

    @Override
    public void close() throws Exception {
      server.terminate(java.time.Duration.ofSeconds(20));
      server.close();
    }
  }
}
