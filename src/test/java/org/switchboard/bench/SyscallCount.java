package org.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.switchboard.support.Dirs;

/**
 * Behind {@code bench/syscalls}: the system calls a request costs on the ceiling server, the floor and a node's
 * asynchronous trigger, counted by {@code strace -c} over a window of wrk's load. A count per request does not
 * depend on how fast the machine is, and on a VM whose system calls are dear it says where the kernel's share of a
 * request goes (docs/benchmarks.md, twenty-sixth session). strace slows the servers; the counts per request hold.
 */
public final class SyscallCount {
  private static final int WARM_SECONDS = 15;
  private static final int WINDOW_SECONDS = 5;

  /** A server to count: its process and the bench's load on it. */
  private record Counted(String name, long pid, BenchRun.Load load) {}

  public static void main(String[] args) throws Exception {
    List<String> jvm = BenchRun.words(System.getProperty("switchboard.javaOpts", "").trim());
    List<String> nodeJvm = new ArrayList<>(jvm);
    nodeJvm.addAll(BenchRun.words(System.getProperty("switchboard.archiveOpts", "").trim()));
    Path work = Files.createTempDirectory("switchboard-syscalls");
    Map<String, Map<String, Double>> perRequest = new LinkedHashMap<>();
    try (Ceiling ceiling = Ceiling.start(jvm);
         Floor floor = Floor.start(jvm, work.resolve("floor"), null);
         BenchRun.Node node = BenchRun.Node.start(work.resolve("node"), null, nodeJvm, work.resolve("node.log"))) {
      BenchRun.Node.Trigger trigger = node.trigger("syscalls", "\"sessionDurationSeconds\": 0");
      for (Counted c : List.of(new Counted("ceiling", ceiling.pid(), ceiling::post),
          new Counted("floor", floor.pid(), floor::post), new Counted("node, async trigger", node.server.pid(), trigger::post))) {
        c.load().post(WARM_SECONDS);
        perRequest.put(c.name(), count(c, work.resolve(c.name().replaceAll("\\W+", "-") + ".strace")));
      }
    } finally {
      Dirs.deleteSubdirectories(work);
    }
    print(perRequest);
    System.out.println("strace's summaries: " + work);
    System.exit(0);
  }

  /** The server's calls over one window of its load, each divided by the requests wrk completed in it. */
  private static Map<String, Double> count(Counted c, Path output) throws Exception {
    Process strace = new ProcessBuilder("strace", "-c", "-f", "-p", String.valueOf(c.pid()), "-o", output.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Thread.sleep(1_000); // attaching to every thread of a JVM takes a moment
    Wrk.Result load = c.load().post(WINDOW_SECONDS);
    strace.destroy(); // strace detaches on SIGTERM and writes its summary
    strace.waitFor();
    if (!Files.exists(output)) {
      throw new IllegalStateException("strace wrote no summary for " + c.name() + " (pid " + c.pid() + "): is ptrace refused here?");
    }
    Map<String, Double> perRequest = new LinkedHashMap<>();
    calls(Files.readString(output)).forEach((name, calls) -> perRequest.put(name, calls / (double) load.requests()));
    return perRequest;
  }

  /** Calls by system call name from {@code strace -c}'s table, its total under "total". */
  static Map<String, Long> calls(String summary) {
    Map<String, Long> calls = new LinkedHashMap<>();
    for (String line : summary.split("\n")) {
      String[] f = line.trim().split("\\s+");
      // % time, seconds, usecs/call, calls, [errors,] syscall
      if (f.length < 5 || f.length > 6 || !f[3].matches("\\d+") || !f[0].matches("[\\d.]+")) continue;
      calls.put(f[f.length - 1], Long.parseLong(f[3]));
    }
    return calls;
  }

  private static void print(Map<String, Map<String, Double>> perRequest) {
    TreeSet<String> names = new TreeSet<>();
    perRequest.values().forEach(m -> m.forEach((name, n) -> { if (n >= 0.01 && !name.equals("total")) names.add(name); }));
    List<String> servers = new ArrayList<>(perRequest.keySet());
    System.out.printf("%-18s%s%n", "calls per request", String.join("", servers.stream().map(s -> "%22s".formatted(s)).toList()));
    for (String name : names) System.out.println(row(name, servers, perRequest));
    System.out.println(row("total", servers, perRequest));
  }

  private static String row(String name, List<String> servers, Map<String, Map<String, Double>> perRequest) {
    StringBuilder line = new StringBuilder("%-18s".formatted(name));
    for (String s : servers) line.append("%22.2f".formatted(perRequest.get(s).getOrDefault(name, 0.0)));
    return line.toString();
  }
}
