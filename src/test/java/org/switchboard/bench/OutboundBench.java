package org.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.switchboard.net.AddressPolicy;
import org.switchboard.net.SafeHttp;
import org.switchboard.support.ServerProcess;

/**
 * The outbound client alone: 64 virtual threads send webhook-sized POSTs through {@link SafeHttp} as fast as they
 * can to a {@link CeilingServer} in its own process, and this process's CPU per request is printed. What a
 * delivery's send costs, without the node around it. Usage: {@code OutboundBench [seconds]}.
 */
public final class OutboundBench {
  private static final int CALLERS = 64;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    byte[] body = ("{\"id\":\"ntf_01m807yw1k51v87581jmz0f84k\",\"type\":\"message.created\",\"createdAt\":\"2026-11-21T23:44:41.522Z\","
        + "\"data\":{\"message\":{\"id\":\"msg_01m807yw1jd81j2hnv2skrjxpb\",\"payload\":{\"text\":\"got 123\"}},"
        + "\"conversation\":{\"id\":\"cnv_01m807yw1jd81j2hnv2skrjxpa\",\"status\":\"active\"},\"contact\":null,"
        + "\"bot\":{\"id\":\"bot_01m807yv9e5v5fm3xzrahy35ac\",\"name\":\"b\"}}}").getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = Map.of("Content-Type", "application/json", "webhook-id", "dlv_01m807yw1k51v87581jmz0f84k",
        "webhook-timestamp", "1795304681", "webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=");
    int port = ServerProcess.freePort();
    Process receiver = CeilingServer.start(java.util.List.of("-XX:+UseParallelGC", "-Xmx256m"), port);
    try (SafeHttp http = new SafeHttp(new AddressPolicy(true), Duration.ofSeconds(5), 1 << 20)) {
      URI url = URI.create("http://127.0.0.1:" + port + "/hook");
      AtomicLong sent = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread[] callers = new Thread[CALLERS];
      for (int i = 0; i < CALLERS; i++) {
        callers[i] = Thread.ofVirtual().start(() -> {
          while (running.get()) {
            try {
              (http.send("POST", url, headers, body, Duration.ofSeconds(10)).status() == 202 ? sent : failed).incrementAndGet();
            } catch (SafeHttp.Failed e) {
              failed.incrementAndGet();
            }
          }
        });
      }
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      Thread.sleep(4_000); // warm-up
      long n0 = sent.get(), cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
      Thread.sleep(seconds * 1_000L);
      long n = sent.get() - n0, cpu = os.getProcessCpuTime() - cpu0, t = System.nanoTime() - t0;
      running.set(false);
      for (Thread caller : callers) caller.join();
      System.out.printf("outbound: %,.0f requests/s, %.1f µs of this process's CPU per request, %d failed%n",
          n / (t / 1e9), cpu / 1e3 / Math.max(1, n), failed.get());
    } finally {
      receiver.destroyForcibly().waitFor();
    }
  }
}
