package org.switchboard.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * End to end at a fixed rate: events numbered 0, 1, 2, ... are sent to a trigger on a schedule (an open model, so a
 * slow server cannot slow the offered load down), and a local webhook receiver takes the bot's reply to each. The
 * reply's body is the event's number, so each delivery's latency is measured from the moment its event was sent.
 */
final class SteadyLoad implements AutoCloseable {
  /** Events sent and delivered by the end of each second of the load. */
  record Second(long sent, long delivered) {}

  record Result(int rate, int seconds, long sent, long accepted, long refused, long failed, long delivered,
                double deliveredPerSecond, double p50Ms, double p99Ms, long backlogAtEnd, long maxBacklog,
                long unansweredAtEnd, List<Second> timeline) {}

  private static final int CONNECTIONS = Integer.getInteger("bench.e2eConnections", 64);
  private final HookReceiver receiver;
  private final AtomicLong delivered = new AtomicLong();
  private volatile long[] sentAt = new long[0];
  private volatile AtomicLongArray deliveredAt = new AtomicLongArray(0);

  SteadyLoad() throws Exception {
    receiver = new HookReceiver(this::received);
  }

  String receiverUrl() throws java.io.IOException { return "http://127.0.0.1:" + receiver.port() + "/hook"; }

  private void received(long n) {
    long now = System.nanoTime();
    if (n >= 0 && n < deliveredAt.length() && deliveredAt.compareAndSet((int) n, 0, now)) delivered.incrementAndGet();
  }

  /** Sends {@code rate} events a second for {@code seconds} seconds, then waits up to {@code drainSeconds}. */
  Result run(String triggerUrl, String secret, int rate, int seconds, int drainSeconds) throws Exception {
    int total = rate * seconds;
    sentAt = new long[total];
    deliveredAt = new AtomicLongArray(total);
    delivered.set(0);
    List<Second> timeline = new ArrayList<>();
    try (PacedSender sender = new PacedSender(triggerUrl, secret, CONNECTIONS)) {
      long start = System.nanoTime();
      long nextSample = start + 1_000_000_000L;
      int sent = 0;
      while (sent < total) {
        long now = System.nanoTime();
        long due = Math.min(total, (now - start) * rate / 1_000_000_000L + 1);
        while (sent < due) {
          int n = sent++;
          sentAt[n] = System.nanoTime();
          sender.send(n);
        }
        if (now >= nextSample) {
          timeline.add(new Second(sent, delivered.get()));
          nextSample += 1_000_000_000L;
        }
        Thread.sleep(0, 200_000);
      }
      long loadEnd = System.nanoTime();
      // Everything sent and not yet delivered is behind, whether the node has answered it yet or not.
      long backlogAtEnd = sent - delivered.get();
      // Of those, the ones the node has not even answered yet: behind in intake rather than in delivery.
      long unansweredAtEnd = sent - sender.accepted.get() - sender.refused.get() - sender.failed.get();
      long drainDeadline = loadEnd + drainSeconds * 1_000_000_000L;
      while (sender.accepted.get() + sender.refused.get() + sender.failed.get() < total && System.nanoTime() < drainDeadline) {
        Thread.sleep(5);
      }
      long accepted = sender.accepted.get();
      while (delivered.get() < accepted && System.nanoTime() < drainDeadline) Thread.sleep(20);
      long maxBacklog = timeline.stream().mapToLong(s -> s.sent() - s.delivered()).max().orElse(0);
      double[] latencies = latencies();
      long unanswered = total - accepted - sender.refused.get() - sender.failed.get();
      return new Result(rate, seconds, sent, accepted, sender.refused.get(), sender.failed.get() + unanswered,
          delivered.get(), deliveredWithin(loadEnd) / ((loadEnd - start) / 1e9), percentile(latencies, 0.50),
          percentile(latencies, 0.99), backlogAtEnd, Math.max(maxBacklog, backlogAtEnd), unansweredAtEnd, timeline);
    }
  }

  private long deliveredWithin(long until) {
    long count = 0;
    for (int i = 0; i < deliveredAt.length(); i++) {
      long at = deliveredAt.get(i);
      if (at != 0 && at <= until) count++;
    }
    return count;
  }

  private double[] latencies() {
    double[] values = new double[deliveredAt.length()];
    int k = 0;
    for (int i = 0; i < deliveredAt.length(); i++) {
      long at = deliveredAt.get(i);
      if (at != 0) values[k++] = (at - sentAt[i]) / 1e6;
    }
    values = Arrays.copyOf(values, k);
    Arrays.sort(values);
    return values;
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  @Override
  public void close() throws Exception {
    receiver.close();
  }
}
