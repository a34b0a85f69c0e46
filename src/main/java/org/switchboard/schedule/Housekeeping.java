package org.switchboard.schedule;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.intake.IdempotencyScope;
import org.switchboard.store.Database;
import org.switchboard.store.EventStore;
import org.switchboard.store.TriggerStore;

/**
 * Removes what is kept only for a while. Duplicate-suppression records whose window has passed: body fingerprints
 * older than their trigger's duplicate window, idempotency keys and channel message ids older than theirs (and keys
 * whose event is gone). Intake already treats such a record as absent (the next event with that body or key replaces
 * it), so removing it changes no answer; without this the two tables grow by a row for every distinct body or key,
 * for good. Fired schedule slots a day old, whose claims guard nothing any more. And, when the operator sets a log
 * retention, the log older than it ({@link LogRetention}). Removals are paced so that intake keeps the writer
 * ({@link PacedRemoval}).
 */
public final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  private static final long INTERVAL_MS = 3_600_000;
  private static final long FIRST_RUN_MS = 60_000;
  private static final int REMOVALS_PER_WRITE = 100;
  private static final int PAGE = 1_000;
  /** A fired slot's claim guards it only while the scheduler may still consider it; a day outlasts that. */
  static final long SLOTS_KEPT_MS = 86_400_000;
  private final Database db;
  private final Clock clock;
  private final PacedRemoval removal;
  private final LogRetention retention;
  private volatile boolean running = true;
  private Thread thread;

  /** {@code logRetention}: how long the log is kept; zero keeps it for good. */
  public Housekeeping(Database db, Clock clock, MeterRegistry metrics, Duration logRetention) {
    this(db, clock, metrics, logRetention, PAGE, REMOVALS_PER_WRITE);
  }

  Housekeeping(Database db, Clock clock, MeterRegistry metrics, Duration logRetention, int page, int removalsPerWrite) {
    this.db = db;
    this.clock = clock;
    List<String> tables = new ArrayList<>(List.of("event_fingerprints", "idempotency_keys", "schedule_slots"));
    tables.addAll(LogRetention.TABLES);
    this.removal = new PacedRemoval(db, metrics, tables, page, removalsPerWrite, () -> running);
    this.retention = logRetention.isZero() ? null : new LogRetention(db, removal, logRetention.toMillis());
  }

  public void start() {
    thread = Thread.ofPlatform().name("housekeeping").daemon(true).start(this::loop);
  }

  private void loop() {
    long wait = FIRST_RUN_MS;
    while (running) {
      try {
        Thread.sleep(wait);
        Map<String, Integer> removed = runOnce(clock.millis());
        if (!removed.isEmpty()) LOG.info("removed rows past their time, by table: {}", removed);
        wait = INTERVAL_MS;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("housekeeping failed; trying again in a minute: {}", e.toString());
        wait = FIRST_RUN_MS;
      }
    }
  }

  /** One pass as of {@code now}; returns what it removed, by table (tables with none left out). */
  Map<String, Integer> runOnce(long now) throws InterruptedException {
    removal.takeRemoved();
    // The log first: the idempotency keys of events it removes go in the same pass.
    if (retention != null) retention.runOnce(now);
    // A fingerprint's scope is its trigger; one whose trigger is gone has no window left.
    removal.sweep("event_fingerprints", EventStore::fingerprintsAfter, s -> db.catalog().trigger(s.scope())
        .map(t -> s.at() < now - t.duplicateWindowSeconds() * 1000).orElse(true), EventStore::removeFingerprints);
    removal.sweep("idempotency_keys", EventStore::idempotencyKeysAfter,
        s -> s.at() < now - IdempotencyScope.windowOf(s.scope()), EventStore::removeIdempotencyKeys);
    removal.sweep("schedule_slots", TriggerStore::slotsAfter, s -> s.at() < now - SLOTS_KEPT_MS, TriggerStore::removeSlots);
    return removal.takeRemoved();
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) thread.interrupt();
  }
}
