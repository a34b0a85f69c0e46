package org.switchboard.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The packaged jar running as a real separate process, for crash and shutdown tests. */
public final class ServerProcess implements AutoCloseable {
  public final int port;
  public final Path log;
  public final Http admin;
  private final Process process;
  private Duration readyAfter;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.admin = new Http("http://127.0.0.1:" + port, TestApp.ADMIN);
  }

  /** Environment for a node on SQLite in {@code dataDir}, or on the given PostgreSQL database. */
  public static Map<String, String> env(Path dataDir, Pg.Target pg) {
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
    env.put("SWITCHBOARD_ADMIN_TOKEN", TestApp.ADMIN);
    env.put("SWITCHBOARD_DEMO", "false");
    if (pg != null) {
      env.put("SWITCHBOARD_DB_URL", pg.url());
      env.put("SWITCHBOARD_DB_USER", pg.user());
      env.put("SWITCHBOARD_DB_PASSWORD", pg.password());
    }
    return env;
  }

  public static ServerProcess start(Map<String, String> env, Path log) throws Exception {
    return start(env, log, List.of("-Xmx512m"));
  }

  /** Starts the jar with these JVM options and returns once /readyz answers 200. */
  public static ServerProcess start(Map<String, String> env, Path log, List<String> jvmOptions) throws Exception {
    int port = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    String jar = System.getProperty("switchboard.jar", "target/switchboard.jar");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    // The jar's manifest enables native access (SQLite's driver), as for ./switchboard serve.
    command.addAll(List.of("-jar", jar, "serve", "--http-port", String.valueOf(port)));
    // Generous: a start takes 2-3 s, but this VM has phases several times slower (the start-up goal is the bench's).
    return launch(command, port, env, log, Duration.ofSeconds(90));
  }

  /** Runs {@code command} (a server listening on {@code port}) and returns once /readyz answers 200. */
  public static ServerProcess launch(List<String> command, int port, Map<String, String> env, Path log,
                                     Duration readyWithin) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    pb.environment().putAll(env);
    long started = System.nanoTime();
    ServerProcess server = new ServerProcess(pb.start(), port, log);
    try {
      server.awaitReady(readyWithin);
    } catch (Exception | AssertionError notReady) {
      server.kill(); // no caller holds it yet, so nothing else would stop it
      throw notReady;
    }
    server.readyAfter = Duration.ofNanos(System.nanoTime() - started);
    return server;
  }

  /** The process's command line (Linux: from /proc; empty elsewhere). */
  public String commandLine() {
    try {
      return Files.readString(Path.of("/proc", String.valueOf(pid()), "cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** From the process start to the first 200 from /readyz. */
  public Duration readyAfter() { return readyAfter; }

  /** The process's peak resident memory so far (Linux), in bytes; -1 where /proc is not there. */
  public long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("server exited: " + Files.readString(log));
      try {
        if (admin.as(null).get("/readyz").status() == 200) return;
      } catch (AssertionError notYet) {
        // connection refused while starting
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("server not ready in " + timeout + ": " + Files.readString(log));
  }

  public long pid() { return process.pid(); }

  /** CPU time the server process has used so far, all threads, user and system. */
  public java.time.Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
  }

  /** CPU time the JVM's JIT compiler threads have used so far (Linux: from /proc; zero elsewhere). */
  public java.time.Duration compilerCpuTime() {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) continue;
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        } catch (IOException | RuntimeException threadEnded) {
          // a compiler thread may come and go
        }
      }
    } catch (IOException | RuntimeException noProc) {
      return java.time.Duration.ZERO;
    }
    return java.time.Duration.ofMillis(ticks * 10); // USER_HZ is 100 on Linux
  }

  /** kill -9: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM; returns how long the process took to exit, or null if it did not within the limit. */
  public Duration terminate(Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    boolean exited = process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    return exited ? Duration.ofNanos(System.nanoTime() - start) : null;
  }

  public int exitCode() { return process.exitValue(); }

  public String output() throws IOException { return Files.readString(log); }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) kill();
  }
}
