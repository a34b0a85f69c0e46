package org.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bench's figures, each next to its goal, printed as a table and kept as Markdown for docs/benchmarks.md. */
final class Report {
  private record Line(String measure, String value, String goal, Boolean holds) {}

  private final List<Line> lines = new ArrayList<>();
  private final StringBuilder header = new StringBuilder();
  private final Map<String, Duration> readyAfter = new LinkedHashMap<>();
  private long peakRss;
  private final long stealAtStart = stealTicks();
  private final long startedNanos = System.nanoTime();

  void header(List<String> jvmOptions, boolean archived, boolean quick) {
    header.append("%s, commit %s%s%n".formatted(LocalDate.now(), command("git", "rev-parse", "--short", "HEAD"),
        quick ? " (--quick: shorter runs, not for the record)" : ""));
    header.append("machine: %d cores (%s), %s; JDK %s; server JVM options: %s%s%n".formatted(
        Runtime.getRuntime().availableProcessors(), cpuModel(), memory(), Runtime.version(),
        jvmOptions.isEmpty() ? "(none)" : String.join(" ", jvmOptions), archived ? ", with serve's start-up archive" : ""));
    System.out.print(header);
  }

  void line(String measure, String value, String goal, Boolean holds) {
    Line line = new Line(measure, value, goal, holds);
    lines.add(line);
    System.out.printf("  %-70s %-34s %-16s %s%n", measure, value, goal, verdict(holds));
  }

  /** A rate as a share of the ceiling's, measured in turns beside it. */
  void ratio(String measure, double rps, double ceiling, double goal) {
    double ratio = rps / ceiling;
    line(measure, "%,.0f req/s = %.1f%% of %,.0f (the ceiling in turns beside it)".formatted(rps, ratio * 100, ceiling),
        ">= %.0f%%".formatted(goal * 100), ratio >= goal);
  }

  /**
   * The file system a database's files live on: in memory (tmpfs, as /tmp is on some systems) a sync costs nothing,
   * and a durable commit's figures flatter the machine.
   */
  void storage(String what, Path dir) {
    String type;
    try {
      type = Files.getFileStore(dir).type();
    } catch (Exception e) {
      type = "?";
    }
    boolean inMemory = type.equals("tmpfs") || type.equals("ramfs");
    line("storage of " + what + " (not a goal)", "%s (%s)%s".formatted(type, dir,
        inMemory ? ": in memory, so its syncs cost nothing: not for the record" : ""), "", null);
  }

  /** A node's time from process start to ready; {@code node} says which, for the report. */
  void ready(String node, Duration after) {
    readyAfter.put(node, after);
  }

  void rss(long bytes) {
    peakRss = Math.max(peakRss, bytes);
  }

  void print() throws Exception {
    Duration slowest = readyAfter.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
    StringBuilder each = new StringBuilder();
    readyAfter.forEach((node, after) -> each.append(each.isEmpty() ? "" : ", ").append(node).append(' ')
        .append("%.2f".formatted(after.toMillis() / 1000.0)));
    if (!readyAfter.isEmpty()) { // a run of the floor alone starts no node
      line("ready after start (slowest start of the run)", "%.2f s (%s)".formatted(slowest.toMillis() / 1000.0, each),
          "<= 3 s", slowest.toMillis() <= 3000);
      line("peak RSS of the server (highest of the run)", "%d MiB".formatted(peakRss >> 20), "<= 512 MiB",
          peakRss > 0 && peakRss <= 512L << 20);
    }
    if (stealAtStart >= 0) {
      // Time the hypervisor gave this VM's cores to others: a run with much of it measured a slower machine.
      double stolen = (stealTicks() - stealAtStart) / 100.0;
      double coreSeconds = Runtime.getRuntime().availableProcessors() * (System.nanoTime() - startedNanos) / 1e9;
      line("CPU steal over the run (not a goal)", "%.0f s = %.0f%% of the cores' time".formatted(stolen,
          100 * stolen / coreSeconds), "", null);
    }
    StringBuilder md = new StringBuilder(header.toString().replace("\n", "\n\n"));
    md.append("| measure | figure | goal | holds |\n|---|---|---|---|\n");
    for (Line l : lines) md.append("| %s | %s | %s | %s |%n".formatted(l.measure(), l.value(), l.goal(), verdict(l.holds())));
    Path out = Path.of("target", "bench-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md);
    long failing = lines.stream().filter(l -> Boolean.FALSE.equals(l.holds())).count();
    System.out.println();
    System.out.println(failing == 0 ? "all goals hold" : failing + " goal(s) do not hold");
    System.out.println("Markdown for docs/benchmarks.md: " + out);
  }

  /** The machine's stolen time in clock ticks (Linux's USER_HZ, 100 a second), or -1 where /proc/stat has none. */
  private static long stealTicks() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return cpu.length > 8 ? Long.parseLong(cpu[8]) : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  private static String verdict(Boolean holds) {
    return holds == null ? "" : holds ? "yes" : "NO";
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (Exception e) {
      return "?";
    }
  }

  private static String memory() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .findFirst().map(l -> (Long.parseLong(l.replaceAll("\\D", "")) >> 20) + " GiB").orElse("?");
    } catch (Exception e) {
      return "?";
    }
  }

  private static String command(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 ? out : "?";
    } catch (Exception e) {
      return "?";
    }
  }
}
