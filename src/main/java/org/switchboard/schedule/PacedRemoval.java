package org.switchboard.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.switchboard.store.Database;
import org.switchboard.store.Stamp;

/**
 * Removals that share SQLite's single writer with intake: a table is read in key order a page at a time outside the
 * write lock, and what a page holds to remove goes in short writes, at most {@code removalsPerWrite} each, with a
 * pause nine times as long as the write after each, so that removing takes at most a tenth of the writer's time however
 * large the backlog. A million expired rows removed at full speed cut a loaded node's ingest by half or more (p99 53
 * ms); with 200 to a write and a quarter of the writer, by a fifth (p99 26 ms); docs/decisions.md.
 */
final class PacedRemoval {
  private static final int PAUSE_FACTOR = 9;

  @FunctionalInterface
  interface Pages {
    List<Stamp> after(Handle h, Stamp after, int limit);
  }

  @FunctionalInterface
  interface Removal<T> {
    /** Removes what it can of {@code items}; returns how many rows of the table went. */
    int remove(Handle h, List<T> items);
  }

  private final Database db;
  private final Map<String, Counter> counters = new TreeMap<>();
  private final int page;
  private final int removalsPerWrite;
  private final BooleanSupplier running;
  private final Map<String, Integer> removed = new TreeMap<>();

  /** {@code tables}: every table whose removals it counts, each counted from zero in /metrics. */
  PacedRemoval(Database db, MeterRegistry metrics, List<String> tables, int page, int removalsPerWrite,
               BooleanSupplier running) {
    this.db = db;
    for (String table : tables) {
      counters.put(table, Counter.builder("switchboard_housekeeping_removed")
          .description("rows housekeeping removed (expired, or older than the log retention), by table")
          .tag("table", table).register(metrics));
    }
    this.page = page;
    this.removalsPerWrite = removalsPerWrite;
    this.running = running;
  }

  int page() { return page; }

  boolean running() { return running.getAsBoolean(); }

  /** Reads the whole table through {@code pages} and removes the rows {@code due} accepts; returns how many went. */
  int sweep(String table, Pages pages, Predicate<Stamp> due, Removal<Stamp> removal) throws InterruptedException {
    int total = 0;
    Stamp after = null;
    while (running()) {
      Stamp from = after;
      List<Stamp> read = db.read(h -> pages.after(h, from, page));
      total += remove(table, read.stream().filter(due).toList(), removal);
      if (read.size() < page) break;
      after = read.getLast();
    }
    return total;
  }

  /** Removes {@code items} in paced writes; returns how many rows of {@code table} went. */
  <T> int remove(String table, List<T> items, Removal<T> removal) throws InterruptedException {
    int total = 0;
    for (int i = 0; i < items.size() && running(); i += removalsPerWrite) {
      List<T> chunk = items.subList(i, Math.min(items.size(), i + removalsPerWrite));
      long started = System.nanoTime();
      // Unsynced: a removal lost in a crash only leaves rows the next pass removes.
      int gone = db.writeUnsynced(h -> removal.remove(h, chunk));
      total += gone;
      count(table, gone);
      Thread.sleep(Duration.ofNanos((System.nanoTime() - started) * PAUSE_FACTOR));
    }
    return total;
  }

  /** Counts rows of {@code table} removed, in the pass's tally and in {@code switchboard_housekeeping_removed_total}. */
  void count(String table, int rows) {
    if (rows == 0) return;
    removed.merge(table, rows, Integer::sum);
    counters.get(table).increment(rows);
  }

  /** What was removed since the last call, by table (the tables with none left out). */
  Map<String, Integer> takeRemoved() {
    Map<String, Integer> taken = Map.copyOf(removed);
    removed.clear();
    return taken;
  }
}
