package org.switchboard.schedule;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.intake.ConversationIntake;
import org.switchboard.store.Database;
import org.switchboard.store.TimerStore;

/**
 * Fires due timers: each becomes a {@code wait} or {@code timeout} event queued in its conversation, so it runs in
 * order with the conversation's other events. Taking the timer and queuing the event share one transaction, and
 * PostgreSQL's SKIP LOCKED keeps several nodes from taking the same timer.
 */
public final class TimerPoller implements AutoCloseable {
  private static final long POLL_MS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(TimerPoller.class);
  private final Database db;
  private final ConversationIntake intake;
  private final Clock clock;
  private volatile boolean running;
  private Thread thread;

  public TimerPoller(Database db, ConversationIntake intake, Clock clock) {
    this.db = db;
    this.intake = intake;
    this.clock = clock;
  }

  public void start() {
    running = true;
    thread = Thread.ofPlatform().name("timers").daemon(true).start(this::loop);
  }

  private void loop() {
    while (running) {
      try {
        int fired = fireDue();
        if (fired == 0) Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("firing timers failed; retrying: {}", e.toString());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Fires what is due now; returns how many. */
  public int fireDue() {
    long now = clock.millis();
    List<TimerStore.Due> fired = db.write(h -> {
      List<TimerStore.Due> due = TimerStore.takeDue(h, db.dialect(), now, 100);
      for (TimerStore.Due d : due) intake.timerFired(h, d, now);
      return due;
    });
    if (!fired.isEmpty()) intake.wakeWorkers();
    return fired.size();
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) thread.interrupt();
  }
}
