package org.switchboard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.model.Event;
import org.switchboard.support.BothDatabasesIdle;
import org.switchboard.support.DbKind;
import org.switchboard.support.TestApp;

/** The scheduler driven with explicit times (its background thread is off): slots, policies, state, exactly once. */
class SchedulerTest extends BothDatabasesIdle {
  String project;
  String bot;

  @BeforeEach
  void setUp() {
    project = app.project("schedules");
    bot = app.bot(project, """
        on: { trigger: { "*": main } }
        nodes:
          main: [ { say: "{{event.type}} {{event.payload.report}}" } ]
        """);
  }

  private JsonNode scheduled(Object cron, String missed) {
    return app.trigger(project, bot, Map.of("schedule", Map.of("cron", cron, "timezone", "Europe/Berlin",
        "payload", Map.of("report", "daily-sales"), "missed", missed)));
  }

  private Scheduler scheduler() { return app.app.core().scheduler(); }

  private void setNext(String triggerId, long at) {
    app.app.core().db().write(h -> h.execute("UPDATE triggers SET next_trigger_at = ? WHERE id = ?", at, triggerId));
  }

  private List<Event> tick(String triggerId, long now) {
    return scheduler().tick(now).stream().filter(e -> e.triggerId().equals(triggerId)).toList();
  }

  @Test
  void aDueSlotFiresOnceAsAScheduleEvent() {
    JsonNode t = scheduled("hourly", "last");
    String id = t.get("id").asText();
    long next = Instant.parse(t.get("nextTriggerAt").asText()).toEpochMilli();
    assertThat(next).isGreaterThan(System.currentTimeMillis()).isEqualTo(next / 3_600_000 * 3_600_000);
    assertThat(tick(id, next - 1)).isEmpty();
    List<Event> fired = tick(id, next + 10);
    assertThat(fired).hasSize(1);
    Event e = fired.get(0);
    assertThat(e.source()).isEqualTo("schedule");
    assertThat(e.type()).isEqualTo("schedule");
    assertThat(e.payload().get("report").asText()).isEqualTo("daily-sales");
    assertThat(tick(id, next + 20)).isEmpty();
    JsonNode after = app.admin.get("/v1/triggers/" + id).json();
    assertThat(Instant.parse(after.get("lastTriggerAt").asText()).toEpochMilli()).isEqualTo(next);
    assertThat(Instant.parse(after.get("nextTriggerAt").asText()).toEpochMilli()).isEqualTo(next + 3_600_000);
    // Even if the trigger's state were rewound, the slot's claim keeps it from firing twice.
    setNext(id, next);
    assertThat(tick(id, next + 30)).isEmpty();
  }

  @Test
  void twoNodesTickingTogetherFireASlotOnce() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(kind == DbKind.POSTGRES, "several nodes share PostgreSQL");
    JsonNode t = scheduled("hourly", "all");
    String id = t.get("id").asText();
    long now = System.currentTimeMillis();
    setNext(id, now - 3 * 3_600_000);
    try (var second = app.anotherNode()) {
      var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> tick(id, now));
      var b = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> second.core().scheduler().tick(now).stream().filter(e -> e.triggerId().equals(id)).toList());
      int fired = a.get().size() + b.get().size();
      assertThat(fired).isEqualTo(3);
      long stored = app.app.core().db().read(h -> h.createQuery("SELECT COUNT(*) FROM events WHERE trigger_id = :t")
          .bind("t", id).mapTo(Long.class).one());
      assertThat(stored).isEqualTo(3);
    }
  }

  @Test
  void missedSlotsFollowThePolicy() {
    // Half past the hour: a slot within the grace period of "now" would count as on time, not missed.
    long now = System.currentTimeMillis() / 3_600_000 * 3_600_000 + 1_800_000;
    long fiveHoursAgo = (now - 5 * 3_600_000) / 3_600_000 * 3_600_000 + 3_600_000;
    for (String policy : List.of("all", "last", "none")) {
      JsonNode t = scheduled("hourly", policy);
      setNext(t.get("id").asText(), fiveHoursAgo);
      List<Event> fired = tick(t.get("id").asText(), now);
      int expected = switch (policy) {
        case "all" -> 5;
        case "last" -> 1;
        default -> 0;
      };
      assertThat(fired).as(policy).hasSize(expected);
      JsonNode after = app.admin.get("/v1/triggers/" + t.get("id").asText()).json();
      assertThat(Instant.parse(after.get("nextTriggerAt").asText()).toEpochMilli()).as(policy).isGreaterThan(now);
    }
  }

  @Test
  void catchingUpEverythingIsCappedAtAHundred() {
    JsonNode t = scheduled("quarterhourly", "all");
    long now = System.currentTimeMillis();
    setNext(t.get("id").asText(), now - 3L * 24 * 3_600_000);
    assertThat(tick(t.get("id").asText(), now)).hasSize(100);
  }

  @Test
  void pausingPausesTheScheduleAndResumingStartsFromNow() {
    JsonNode t = scheduled("hourly", "all");
    String id = t.get("id").asText();
    long next = Instant.parse(t.get("nextTriggerAt").asText()).toEpochMilli();
    app.admin.patch("/v1/triggers/" + id, Map.of("status", "paused"));
    assertThat(tick(id, next + 10)).isEmpty();
    setNext(id, System.currentTimeMillis() - 3 * 3_600_000);
    JsonNode resumed = app.admin.patch("/v1/triggers/" + id, Map.of("status", "active")).json();
    assertThat(Instant.parse(resumed.get("nextTriggerAt").asText()).toEpochMilli()).isGreaterThan(System.currentTimeMillis());
  }

  @Test
  void changingTheScheduleRecomputesTheNextSlot() {
    JsonNode t = scheduled("monthly", "last");
    JsonNode changed = app.admin.patch("/v1/triggers/" + t.get("id").asText(),
        Map.of("schedule", Map.of("cron", "quarterhourly", "timezone", "UTC"))).json();
    long next = Instant.parse(changed.get("nextTriggerAt").asText()).toEpochMilli();
    assertThat(next - System.currentTimeMillis()).isBetween(0L, 15 * 60_000L);
    JsonNode cleared = app.admin.patch("/v1/triggers/" + t.get("id").asText(), java.util.Collections.singletonMap("schedule", null)).json();
    assertThat(cleared.get("nextTriggerAt").isNull()).isTrue();
  }

  @Test
  void invalidSchedulesGet422NamingTheProblem() {
    var r = app.admin.post("/v1/projects/" + project + "/triggers", Map.of("name", "bad", "botId", bot,
        "schedule", Map.of("cron", "0 25 * * *", "timezone", "Nowhere/City")));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("errors").findValuesAsText("path")).contains("schedule.cron", "schedule.timezone");
  }

  @Test
  void invokeFiresNowAsTheScheduleWould() {
    JsonNode t = scheduled("monthly", "last");
    Event e = scheduler().invokeNow(t.get("id").asText());
    assertThat(e.source()).isEqualTo("schedule");
    assertThat(e.payload().get("report").asText()).isEqualTo("daily-sales");
    assertThat(app.admin.get("/v1/triggers/" + t.get("id").asText()).json().get("lastTriggerAt").isNull()).isFalse();
  }
}
