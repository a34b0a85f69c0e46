package org.switchboard.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchboard.intake.TriggerIntake;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Problem;
import org.switchboard.model.Trigger;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;
import org.switchboard.store.TriggerStore;

/**
 * Fires triggers' schedules. Each due trigger is locked (SKIP LOCKED on PostgreSQL), each slot is claimed with a
 * unique (trigger, slot) row, and its event is queued in the same transaction, so a slot fires exactly once across
 * restarts and nodes. Slots missed while no node ran follow the schedule's {@code missed} policy.
 */
public final class Scheduler implements AutoCloseable {
  /** A slot this late or later counts as missed. */
  public static final long GRACE_MS = 60_000;
  public static final int MAX_CATCH_UP = 100;
  private static final long POLL_MS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final Database db;
  private final GroupCommitter committer;
  private final TriggerIntake intake;
  private final Clock clock;
  private volatile boolean running;
  private Thread thread;

  public Scheduler(Database db, GroupCommitter committer, TriggerIntake intake, Clock clock) {
    this.db = db;
    this.committer = committer;
    this.intake = intake;
    this.clock = clock;
  }

  public void start() {
    running = true;
    thread = Thread.ofPlatform().name("scheduler").daemon(true).start(() -> {
      while (running) {
        try {
          tick(clock.millis());
          Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          LOG.warn("firing schedules failed; retrying: {}", e.toString());
        }
      }
    });
  }

  /** Fires every slot due at {@code now}; returns the events it queued. */
  public List<Event> tick(long now) {
    Set<String> projects = new HashSet<>();
    List<Event> fired = db.write(h -> {
      List<Event> events = new ArrayList<>();
      for (Trigger t : TriggerStore.dueSchedules(h, db.dialect(), now, 50)) {
        events.addAll(fire(h, t, now));
        projects.add(t.projectId());
      }
      return events;
    });
    projects.forEach(intake::scheduledCommitted);
    return fired;
  }

  private List<Event> fire(Handle h, Trigger t, long now) {
    Schedule schedule;
    try {
      schedule = Schedule.parse(t.schedule());
    } catch (Problem invalid) {
      TriggerStore.setScheduleState(h, t.id(), t.lastTriggerAt(), null);
      return List.of();
    }
    Instant from = Instant.ofEpochMilli(t.nextTriggerAt() - 1);
    List<Instant> due = schedule.slotsBetween(from, Instant.ofEpochMilli(now), MAX_CATCH_UP);
    List<Instant> chosen = switch (schedule.missed()) {
      case ALL -> due;
      case LAST -> due.isEmpty() ? List.of() : List.of(due.get(due.size() - 1));
      case NONE -> due.stream().filter(slot -> now - slot.toEpochMilli() < GRACE_MS).toList();
    };
    List<Event> events = new ArrayList<>();
    Long last = t.lastTriggerAt();
    for (Instant slot : chosen) {
      String eventId = Ids.event();
      if (!TriggerStore.claimSlot(h, t.id(), slot.toEpochMilli(), eventId)) continue;
      try {
        events.add(intake.acceptScheduled(h, t, schedule.payload(), eventId, now));
        last = slot.toEpochMilli();
      } catch (Problem p) {
        LOG.warn("trigger {} could not fire its slot {}: {}", t.id(), slot, p.detail());
      }
    }
    Long next = schedule.nextAfter(Instant.ofEpochMilli(now)).map(Instant::toEpochMilli).orElse(null);
    TriggerStore.setScheduleState(h, t.id(), last, next);
    return events;
  }

  /** Fires a trigger now, as its schedule would (ChatBotKit's invoke); not tied to a slot. A paused trigger is 409. */
  public Event invokeNow(String triggerId) {
    long now = clock.millis();
    Event event = committer.submit(h -> {
      Trigger t = TriggerStore.find(h, triggerId).orElseThrow(() -> Problem.notFound("trigger " + triggerId));
      if (!t.active()) throw Problem.conflict("trigger " + triggerId + " is paused");
      var payload = t.schedule() == null ? org.switchboard.model.Json.object() : Schedule.parse(t.schedule()).payload();
      Event e = intake.acceptScheduled(h, t, payload, Ids.event(), now);
      TriggerStore.setScheduleState(h, t.id(), now, t.nextTriggerAt());
      return e;
    });
    intake.scheduledCommitted(event.projectId());
    return event;
  }

  /** When a schedule is set, changed or resumed: its next slot from now. */
  public static Long nextSlot(com.fasterxml.jackson.databind.JsonNode schedule, long now) {
    if (schedule == null || schedule.isNull()) return null;
    return Schedule.parse(schedule).nextAfter(Instant.ofEpochMilli(now)).map(Instant::toEpochMilli).orElse(null);
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) thread.interrupt();
  }
}
