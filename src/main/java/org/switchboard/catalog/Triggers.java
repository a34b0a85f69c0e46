package org.switchboard.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import org.switchboard.auth.Secrets;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Trigger;
import org.switchboard.runtime.Expressions;
import org.switchboard.schedule.Scheduler;
import org.switchboard.store.BotStore;
import org.switchboard.store.Database;
import org.switchboard.store.TriggerStore;

/** Triggers: creation with defaults, changes, pause and resume, secret rotation and deletion. */
public final class Triggers {
  public static final long MAX_RESPONSE_TIMEOUT_MS = 900_000;
  public static final long MAX_SESSION_SECONDS = 30L * 24 * 3600;
  public static final long MAX_RATE_LIMIT_PER_MINUTE = 1_000_000;

  private final Database db;
  private final Clock clock;
  private final Secrets secrets;

  public Triggers(Database db, Clock clock, Secrets secrets) {
    this.db = db;
    this.clock = clock;
    this.secrets = secrets;
  }

  public Trigger create(String projectId, JsonNode body) {
    long now = clock.millis();
    Trigger blank = new Trigger(Ids.trigger(), projectId, "", "", null, null, true, false, 30_000, 1800, false, 86_400,
        null, null, null, Json.object(), Trigger.ACTIVE, secrets.encrypt(Secrets.token("whtrg_")), now, now, null,
        null);
    Trigger trigger = apply(blank, body, true);
    return db.writeCatalog(h -> {
      checkUnique(h, trigger);
      TriggerStore.insert(h, trigger);
      return trigger;
    });
  }

  public Trigger get(String triggerId) {
    return db.read(h -> TriggerStore.find(h, triggerId)).orElseThrow(() -> Problem.notFound("trigger " + triggerId));
  }

  public Trigger update(String triggerId, JsonNode body) {
    Trigger current = get(triggerId);
    Trigger changed = apply(current, body, false);
    return db.writeCatalog(h -> {
      checkUnique(h, changed);
      TriggerStore.update(h, changed);
      return changed;
    });
  }

  public void delete(String triggerId) {
    if (!db.writeCatalog(h -> TriggerStore.delete(h, triggerId))) throw Problem.notFound("trigger " + triggerId);
  }

  public String rotateSecret(String triggerId) {
    Trigger t = get(triggerId);
    String secret = Secrets.token("whtrg_");
    Trigger rotated = new Trigger(t.id(), t.projectId(), t.name(), t.key(), t.description(), t.botId(), t.authenticate(),
        t.waitForResponse(), t.responseTimeoutMs(), t.sessionDurationSeconds(), t.ignoreDuplicates(),
        t.duplicateWindowSeconds(), t.filter(), t.rateLimitPerMinute(), t.schedule(), t.meta(), t.status(),
        secrets.encrypt(secret), t.createdAt(), clock.millis(), t.lastTriggerAt(), t.nextTriggerAt());
    db.writeCatalog(h -> {
      TriggerStore.update(h, rotated);
      return null;
    });
    return secret;
  }

  /** The trigger's secret in clear, for showing it to its owner (and ChatBotKit's fetch). */
  public String secretOf(Trigger trigger) { return secrets.decrypt(trigger.secretSealed()); }

  private void checkUnique(org.jdbi.v3.core.Handle h, Trigger t) {
    if (BotStore.find(h, t.botId()).filter(b -> b.projectId().equals(t.projectId())).isEmpty()) {
      throw Problem.invalid("botId", "no bot " + t.botId() + " in this project");
    }
    TriggerStore.clash(h, t.projectId(), t.id(), t.name(), t.key()).ifPresent(column -> {
      throw Problem.conflict("another trigger of this project has the same " + column);
    });
  }

  private Trigger apply(Trigger t, JsonNode body, boolean creating) {
    Fields f = new Fields(body);
    String name = f.text("name", creating, 200);
    String key = f.text("key", false, 64);
    if (key != null && !key.matches(Bots.KEY_PATTERN)) f.error("key", "must match " + Bots.KEY_PATTERN);
    String description = f.text("description", false, 2000);
    String botId = f.text("botId", creating, 100);
    Boolean authenticate = f.bool("authenticate");
    Boolean wait = f.bool("waitForResponse");
    Long timeout = f.number("responseTimeoutMs", 1, MAX_RESPONSE_TIMEOUT_MS);
    Long session = f.number("sessionDurationSeconds", 0, MAX_SESSION_SECONDS);
    Boolean duplicates = f.bool("ignoreDuplicates");
    Long window = f.number("duplicateWindowSeconds", 1, MAX_SESSION_SECONDS);
    String filter = t.filter();
    if (f.has("filter")) {
      filter = f.text("filter", false, 10_000);
      if (filter != null && filter.isEmpty()) filter = null;
      if (filter != null) {
        String problem = Expressions.check(Expressions.Scope.FILTER, filter);
        if (problem != null) f.error("filter", "invalid CEL: " + problem.lines().findFirst().orElse(problem));
      }
    }
    Long rateLimit = f.has("rateLimitPerMinute")
        ? f.number("rateLimitPerMinute", 1, MAX_RATE_LIMIT_PER_MINUTE) : t.rateLimitPerMinute();
    JsonNode schedule = t.schedule();
    Long next = t.nextTriggerAt();
    if (f.has("schedule")) {
      JsonNode s = f.raw("schedule");
      schedule = s == null || s.isNull() ? null : s;
      if (schedule != null) {
        try {
          next = Scheduler.nextSlot(schedule, clock.millis());
        } catch (Problem invalid) {
          invalid.errors().forEach(e -> f.error(e.path(), e.message()));
        }
      } else {
        next = null;
      }
    }
    JsonNode meta = f.has("meta") ? f.object("meta") : t.meta();
    String status = t.status();
    if (!creating && f.has("status")) {
      status = f.text("status", false, 20);
      if (!Trigger.ACTIVE.equals(status) && !Trigger.PAUSED.equals(status)) f.error("status", "must be active or paused");
    }
    f.check();
    if (!creating && Trigger.PAUSED.equals(t.status()) && Trigger.ACTIVE.equals(status) && schedule != null) {
      next = Scheduler.nextSlot(schedule, clock.millis()); // slots passed while paused are not caught up
    }
    String newName = name != null ? name : t.name();
    String newKey = key != null ? key : creating ? Slugs.of(newName, "trigger") : t.key();
    return new Trigger(t.id(), t.projectId(), newName, newKey, f.has("description") ? description : t.description(),
        botId != null ? botId : t.botId(), or(authenticate, t.authenticate()), or(wait, t.waitForResponse()),
        or(timeout, t.responseTimeoutMs()), or(session, t.sessionDurationSeconds()),
        or(duplicates, t.ignoreDuplicates()), or(window, t.duplicateWindowSeconds()), filter, rateLimit, schedule,
        meta != null ? meta : Json.object(), status, t.secretSealed(), t.createdAt(), clock.millis(),
        t.lastTriggerAt(), next);
  }

  private static <T> T or(T value, T fallback) { return value != null ? value : fallback; }
}
