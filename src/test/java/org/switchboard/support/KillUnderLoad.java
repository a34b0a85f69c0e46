package org.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/** kill -9 of a node while trigger calls stream in: what the crash tests share. */
public final class KillUnderLoad {
  private KillUnderLoad() {}

  /**
   * Posts {@code {"n": n}} from {@code threads} threads (thread t to {@code pathOf.apply(t)}) until more than
   * {@code atLeast} calls were acknowledged, then kills the node under that load and returns the acknowledged events'
   * ids. Killed at a count, not a time: a slow phase of the machine once let a fixed 2 s pass with 3 answers.
   */
  public static Set<String> sendThenKill(ServerProcess node, Http caller, int threads, IntFunction<String> pathOf,
                                         int atLeast) throws InterruptedException {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean killing = new AtomicBoolean(false);
    List<String> failedBeforeTheKill = new CopyOnWriteArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      String path = pathOf.apply(t);
      senders.execute(() -> {
        for (int n = 0; running.get(); n++) {
          try {
            var r = caller.post(path, Map.of("n", n));
            if (r.status() / 100 == 2) acknowledged.add(r.json().get("eventId").asText());
          } catch (AssertionError connectionLost) {
            if (!killing.get()) failedBeforeTheKill.add(connectionLost.getMessage());
            return;
          }
        }
      });
    }
    TestApp.eventually(60_000, () -> acknowledged.size() > atLeast || !failedBeforeTheKill.isEmpty(),
        atLeast + " acknowledged");
    assertThat(failedBeforeTheKill).as("calls that failed while the node was up").isEmpty();
    killing.set(true);
    node.kill();
    running.set(false);
    senders.shutdown();
    assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    return acknowledged;
  }
}
