package org.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (the Debian package) against one URL with a POST body, and reads its report. */
final class Wrk {
  /**
   * One run's report. {@code quantilesMicros[i]} is the latency below which {@code (i + 1) / 10} percent of its
   * requests completed, so that runs taken in windows can be given one percentile over them all ({@link #percentileMs}).
   */
  record Result(double requestsPerSecond, double p50Ms, double p99Ms, long requests, long non2xx, long socketErrors,
                long[] quantilesMicros) {
    long acknowledged() { return requests - non2xx; }
  }

  /** How many quantiles a run reports: one every tenth of a percent. */
  static final int QUANTILES = 1000;

  /**
   * The latency percentile {@code p} (0-100) over several runs together: the least latency that at least that share of
   * all their requests did not exceed, each run's share read from its quantiles.
   */
  static double percentileMs(List<Result> runs, double p) {
    for (Result r : runs) {
      // A run without them would read as answering in no time at all.
      if (r.requests() > 0 && r.quantilesMicros()[QUANTILES - 1] == 0) throw new IllegalStateException("wrk reported no quantiles");
    }
    long total = runs.stream().mapToLong(Result::requests).sum();
    long[] candidates = runs.stream().flatMapToLong(r -> Arrays.stream(r.quantilesMicros())).sorted().toArray();
    for (long x : candidates) {
      double below = 0;
      for (Result r : runs) below += r.requests() * (double) countAtMost(r.quantilesMicros(), x) / QUANTILES;
      if (below >= p / 100 * total - 1e-9) return x / 1000.0;
    }
    return candidates.length == 0 ? 0 : candidates[candidates.length - 1] / 1000.0;
  }

  private static int countAtMost(long[] sorted, long x) {
    int low = 0;
    int high = sorted.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (sorted[mid] <= x) low = mid + 1; else high = mid;
    }
    return low;
  }

  private Wrk() {}

  static Result post(String url, String body, Map<String, String> headers, int connections, int seconds) throws Exception {
    Path script = Files.createTempFile("switchboard-bench", ".lua");
    try {
      StringBuilder lua = new StringBuilder("wrk.method = \"POST\"\nwrk.body = ").append(luaString(body)).append('\n');
      for (var h : headers.entrySet()) {
        lua.append("wrk.headers[").append(luaString(h.getKey())).append("] = ").append(luaString(h.getValue())).append('\n');
      }
      // wrk's percentile(100) answers 0 (its rank is one past the count), so the last quantile is the maximum.
      lua.append("function done(summary, latency, requests)\n")
          .append("  for i = 1, ").append(QUANTILES).append(" do\n")
          .append("    local v = i == ").append(QUANTILES).append(" and latency.max or latency:percentile(i * 100 / ")
          .append(QUANTILES).append(")\n")
          .append("    io.write(string.format(\"quantile %d %d\\n\", i, v))\n  end\nend\n");
      Files.writeString(script, lua);
      List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s",
          "--latency", "-s", script.toString(), url));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) throw new IllegalStateException("wrk failed:\n" + out);
      return parse(out);
    } finally {
      Files.deleteIfExists(script);
    }
  }

  static Result parse(String out) {
    long requests = (long) number(out, "(\\d+) requests in");
    long non2xx = (long) numberOr(out, "Non-2xx or 3xx responses: (\\d+)", 0);
    long errors = 0;
    Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
    if (socket.find()) {
      for (int i = 1; i <= 4; i++) errors += Long.parseLong(socket.group(i));
    }
    long[] quantiles = new long[QUANTILES];
    Matcher q = Pattern.compile("(?m)^quantile (\\d+) (\\d+)$").matcher(out);
    while (q.find()) quantiles[Integer.parseInt(q.group(1)) - 1] = Long.parseLong(q.group(2));
    return new Result(number(out, "Requests/sec:\\s+([\\d.]+)"), millis(out, "50%"), millis(out, "99%"), requests,
        non2xx, errors, quantiles);
  }

  private static double millis(String out, String percentile) {
    Matcher m = Pattern.compile(percentile + "\\s+([\\d.]+)(us|ms|s)").matcher(out);
    if (!m.find()) throw new IllegalStateException("no " + percentile + " in wrk output:\n" + out);
    double value = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
  }

  private static double number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    if (!m.find()) throw new IllegalStateException("no '" + regex + "' in wrk output:\n" + out);
    return Double.parseDouble(m.group(1));
  }

  private static double numberOr(String out, String regex, double fallback) {
    Matcher m = Pattern.compile(regex).matcher(out);
    return m.find() ? Double.parseDouble(m.group(1)) : fallback;
  }

  private static String luaString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  static boolean installed() {
    try {
      return new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor() >= 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
