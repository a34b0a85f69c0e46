package org.switchboard.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.intake.ChannelIntake;
import org.switchboard.intake.TriggerIntake;
import org.switchboard.store.Database;
import org.switchboard.store.EventStore;
import org.switchboard.store.EventStore.Stamp;

/**
 * Removes duplicate-suppression records whose window has passed: body fingerprints older than their trigger's
 * duplicate window, idempotency keys and channel message ids older than theirs. Intake already treats such a record
 * as absent (the next event with that body or key replaces it), so removing it changes no answer; without this the
 * two tables grow by a row for every distinct body or key, for good. Each table is read in key order, a page at a
 * time outside the write lock, and a page's expired rows go in short writes, paced so that intake keeps the writer.
 */
public final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  private static final long INTERVAL_MS = 3_600_000;
  private static final long FIRST_RUN_MS = 60_000;
  /**
   * Removals share SQLite's single writer with intake: at most this many per write, and after each write a pause
   * nine times as long, so that a pass takes at most a tenth of the writer's time however large its backlog. A
   * million expired rows removed at full speed cut a loaded node's ingest by half or more (p99 53 ms); with 200 per
   * write and a quarter of the writer, by a fifth (p99 26 ms); docs/decisions.md.
   */
  private static final int REMOVALS_PER_WRITE = 100;
  private static final int PAUSE_FACTOR = 9;
  private static final int PAGE = 1_000;
  private final Database db;
  private final Clock clock;
  private final int page;
  private final int removalsPerWrite;
  private final Counter fingerprintsRemoved;
  private final Counter idempotencyKeysRemoved;
  private volatile boolean running = true;
  private Thread thread;

  public Housekeeping(Database db, Clock clock, MeterRegistry metrics) {
    this(db, clock, metrics, PAGE, REMOVALS_PER_WRITE);
  }

  Housekeeping(Database db, Clock clock, MeterRegistry metrics, int page, int removalsPerWrite) {
    this.db = db;
    this.clock = clock;
    this.page = page;
    this.removalsPerWrite = removalsPerWrite;
    this.fingerprintsRemoved = removedCounter(metrics, "event_fingerprints");
    this.idempotencyKeysRemoved = removedCounter(metrics, "idempotency_keys");
  }

  private static Counter removedCounter(MeterRegistry metrics, String table) {
    return Counter.builder("switchboard_housekeeping_removed").description("expired records removed, by table")
        .tag("table", table).register(metrics);
  }

  /** What one pass removed. */
  record Removed(int fingerprints, int idempotencyKeys) {}

  public void start() {
    thread = Thread.ofPlatform().name("housekeeping").daemon(true).start(this::loop);
  }

  private void loop() {
    long wait = FIRST_RUN_MS;
    while (running) {
      try {
        Thread.sleep(wait);
        Removed removed = runOnce(clock.millis());
        if (removed.fingerprints() + removed.idempotencyKeys() > 0) {
          LOG.info("removed {} expired body fingerprints and {} expired idempotency keys", removed.fingerprints(),
              removed.idempotencyKeys());
        }
        wait = INTERVAL_MS;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("housekeeping failed; trying again in a minute: {}", e.toString());
        wait = FIRST_RUN_MS;
      }
    }
  }

  /** One pass over both tables, as of {@code now}. */
  Removed runOnce(long now) throws InterruptedException {
    // A fingerprint's scope is its trigger; one whose trigger is gone has no window left.
    int fingerprints = sweep(EventStore::fingerprintsAfter, EventStore::removeFingerprints, s -> db.catalog()
        .trigger(s.scope()).map(t -> s.at() < now - t.duplicateWindowSeconds() * 1000).orElse(true),
        fingerprintsRemoved);
    int keys = sweep(EventStore::idempotencyKeysAfter, EventStore::removeIdempotencyKeys,
        s -> s.at() < now - idempotencyWindowMs(s.scope()), idempotencyKeysRemoved);
    return new Removed(fingerprints, keys);
  }

  /**
   * The window intake keeps a key for, by its scope: a trigger's Idempotency-Key or a channel's message id; a scope
   * of another kind gets the longest of them.
   */
  static long idempotencyWindowMs(String scope) {
    return scope.startsWith("trigger:") ? TriggerIntake.IDEMPOTENCY_WINDOW_MS : ChannelIntake.MESSAGE_ID_WINDOW_MS;
  }

  @FunctionalInterface
  private interface Pages {
    List<Stamp> after(Handle h, Stamp after, int limit);
  }

  @FunctionalInterface
  private interface Removal {
    void remove(Handle h, List<Stamp> stamps);
  }

  private int sweep(Pages pages, Removal removal, Predicate<Stamp> expired, Counter counted)
      throws InterruptedException {
    int removed = 0;
    Stamp after = null;
    while (running) {
      Stamp from = after;
      List<Stamp> read = db.read(h -> pages.after(h, from, page));
      List<Stamp> gone = read.stream().filter(expired).toList();
      for (int i = 0; i < gone.size() && running; i += removalsPerWrite) {
        List<Stamp> chunk = gone.subList(i, Math.min(gone.size(), i + removalsPerWrite));
        long started = System.nanoTime();
        // Unsynced: a removal lost in a crash only leaves a row the next pass removes.
        db.writeUnsynced(h -> {
          removal.remove(h, chunk);
          return null;
        });
        removed += chunk.size();
        counted.increment(chunk.size());
        Thread.sleep(Duration.ofNanos((System.nanoTime() - started) * PAUSE_FACTOR));
      }
      if (read.size() < page) break;
      after = read.getLast();
    }
    return removed;
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) thread.interrupt();
  }
}
