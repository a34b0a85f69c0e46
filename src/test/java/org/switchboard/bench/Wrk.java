package org.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (the Debian package) against one URL with a POST body, and reads its report. */
final class Wrk {
  record Result(double requestsPerSecond, double p50Ms, double p99Ms, long requests, long non2xx, long socketErrors) {
    long acknowledged() { return requests - non2xx; }
  }

  private Wrk() {}

  static Result post(String url, String body, Map<String, String> headers, int connections, int seconds) throws Exception {
    Path script = Files.createTempFile("switchboard-bench", ".lua");
    try {
      StringBuilder lua = new StringBuilder("wrk.method = \"POST\"\nwrk.body = ").append(luaString(body)).append('\n');
      for (var h : headers.entrySet()) {
        lua.append("wrk.headers[").append(luaString(h.getKey())).append("] = ").append(luaString(h.getValue())).append('\n');
      }
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
    return new Result(number(out, "Requests/sec:\\s+([\\d.]+)"), millis(out, "50%"), millis(out, "99%"), requests,
        non2xx, errors);
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
