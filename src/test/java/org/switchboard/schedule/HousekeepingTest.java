package org.switchboard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.store.EventStore;
import org.switchboard.store.Stamp;
import org.switchboard.support.BothDatabasesIdle;
import org.switchboard.support.Http;
import org.switchboard.support.TestApp;

/**
 * Duplicate-suppression records past their window are removed, those inside it stay, and intake answers as before:
 * a body or key inside its window is still a duplicate, one past it is new. Driven with explicit times (the node's
 * own housekeeping thread is off).
 */
class HousekeepingTest extends BothDatabasesIdle {
  private static final long HOUR = 3_600_000;
  String project;
  String bot;

  @BeforeEach
  void setUp() {
    project = app.project("housekeeping");
    bot = app.bot(project, TestApp.ECHO);
  }

  private JsonNode trigger(long windowSeconds) {
    return app.trigger(project, bot, Map.of("ignoreDuplicates", true, "duplicateWindowSeconds", windowSeconds));
  }

  private static Http.Response fire(JsonNode trigger, Object body, String idempotencyKey) {
    return app.client(trigger.get("secret").asText()).send("POST", "/v1/triggers/" + trigger.get("id").asText() + "/events",
        body, idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
  }

  private static void age(String table, String column, String where, String value, long at) {
    app.app.core().db().write(h -> h.execute("UPDATE " + table + " SET " + column + " = ? WHERE " + where + " = ?", at, value));
  }

  private static Housekeeping housekeeping() {
    return new Housekeeping(app.app.core().db(), Clock.systemUTC(), app.app.core().metrics(), Duration.ZERO);
  }

  /** What the node's /metrics says was removed from the table so far. */
  private static double removedFrom(String table) {
    String line = app.anonymous().get("/metrics").body().lines()
        .filter(l -> l.startsWith("switchboard_housekeeping_removed_total{table=\"" + table + "\"}")).findFirst().orElseThrow();
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  private static List<String> rows(String sql) {
    return app.app.core().db().read(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  @Test
  void recordsPastTheirWindowGoAndIntakeAnswersAsBefore() throws InterruptedException {
    JsonNode tenMinutes = trigger(600);
    JsonNode day = trigger(86_400);
    String shortId = tenMinutes.get("id").asText();
    String dayId = day.get("id").asText();
    assertThat(fire(tenMinutes, Map.of("n", 1), "old-key").status()).isEqualTo(202);
    String fresh = fire(tenMinutes, Map.of("n", 2), "fresh-key").json().get("eventId").asText();
    assertThat(fire(day, Map.of("n", 1), null).status()).isEqualTo(202);
    long now = System.currentTimeMillis();
    // 11 minutes old: past the first trigger's window, inside the second's; one body of the first seen just now.
    app.app.core().db().write(h -> h.execute("UPDATE event_fingerprints SET received_at = ? WHERE trigger_id IN (?, ?)",
        now - 11 * 60_000, shortId, dayId));
    age("event_fingerprints", "received_at", "event_id", fresh, now);
    age("idempotency_keys", "created_at", "idem_key", "old-key", now - 25 * HOUR);
    age("idempotency_keys", "created_at", "idem_key", "fresh-key", now - 23 * HOUR);
    // A channel's message ids are kept 30 days: one of 2 days stays, one of 31 goes.
    app.app.core().db().write(h -> {
      h.execute("INSERT INTO idempotency_keys (scope, idem_key, event_id, created_at) VALUES ('channel:chn_x', 'm1', ?, ?)",
          fresh, now - 48 * HOUR);
      h.execute("INSERT INTO idempotency_keys (scope, idem_key, event_id, created_at) VALUES ('channel:chn_x', 'm2', ?, ?)",
          fresh, now - 31 * 24 * HOUR);
      return null;
    });

    double fingerprintsBefore = removedFrom("event_fingerprints");
    double keysBefore = removedFrom("idempotency_keys");
    Map<String, Integer> removed = housekeeping().runOnce(now);

    assertThat(removed).isEqualTo(Map.of("event_fingerprints", 1, "idempotency_keys", 2));
    assertThat(removedFrom("event_fingerprints") - fingerprintsBefore).isEqualTo(1);
    assertThat(removedFrom("idempotency_keys") - keysBefore).isEqualTo(2);
    assertThat(rows("SELECT trigger_id FROM event_fingerprints WHERE trigger_id IN ('%s', '%s')".formatted(shortId, dayId)))
        .containsExactlyInAnyOrder(shortId, dayId);
    assertThat(rows("SELECT idem_key FROM idempotency_keys WHERE scope IN ('trigger:%s', 'channel:chn_x')".formatted(shortId)))
        .containsExactlyInAnyOrder("fresh-key", "m1");
    assertThat(housekeeping().runOnce(now)).isEmpty();

    assertThat(fire(tenMinutes, Map.of("n", 2), null).status()).as("inside its window: a duplicate").isEqualTo(409);
    assertThat(fire(day, Map.of("n", 1), null).status()).as("inside its window: a duplicate").isEqualTo(409);
    assertThat(fire(tenMinutes, Map.of("n", 1), null).status()).as("past its window: new").isEqualTo(202);
    Http.Response repeated = fire(tenMinutes, Map.of("n", 3), "fresh-key");
    assertThat(repeated.json().get("eventId").asText()).as("a fresh key answers with its event").isEqualTo(
        rows("SELECT event_id FROM idempotency_keys WHERE idem_key = 'fresh-key'").getFirst());
    Http.Response renewed = fire(tenMinutes, Map.of("n", 4), "old-key");
    assertThat(renewed.status()).isEqualTo(202);
    assertThat(rows("SELECT event_id FROM idempotency_keys WHERE idem_key = 'old-key'"))
        .containsExactly(renewed.json().get("eventId").asText());
  }

  @Test
  void aPassReadsEveryPageAndSparesARecordWrittenAgainSinceItWasRead() throws InterruptedException {
    JsonNode tenMinutes = trigger(600);
    String id = tenMinutes.get("id").asText();
    long now = System.currentTimeMillis();
    app.app.core().db().write(h -> {
      for (int i = 0; i < 50; i++) {
        h.execute("INSERT INTO event_fingerprints (trigger_id, body_hash, event_id, received_at) VALUES (?, ?, ?, ?)", id,
            String.format("hash%02d", i), "evt_" + i, i % 2 == 0 ? now - HOUR : now);
      }
      // A trigger deleted since: its records have no window left.
      h.execute("INSERT INTO event_fingerprints (trigger_id, body_hash, event_id, received_at) VALUES ('trg_gone', 'x', 'evt_x', ?)", now);
      return null;
    });

    // Pages of 7 removed 3 at a time: page edges fall between the rows, and a page takes up to three writes.
    Housekeeping smallPages = new Housekeeping(app.app.core().db(), Clock.systemUTC(), app.app.core().metrics(), Duration.ZERO, 7, 3);
    assertThat(smallPages.runOnce(now)).containsEntry("event_fingerprints", 26);
    assertThat(rows("SELECT body_hash FROM event_fingerprints WHERE trigger_id = '" + id + "'"))
        .hasSize(25).allSatisfy(hash -> assertThat(Integer.parseInt(hash.substring(4)) % 2).isEqualTo(1));
    assertThat(rows("SELECT body_hash FROM event_fingerprints WHERE trigger_id = 'trg_gone'")).isEmpty();

    // Written again between the read and the removal: the removal matches the time it read, so the row stays.
    age("event_fingerprints", "received_at", "body_hash", "hash01", now - HOUR);
    List<Stamp> read = app.app.core().db().read(h -> EventStore.fingerprintsAfter(h, null, 100)).stream()
        .filter(stamp -> stamp.key().equals("hash01")).toList();
    assertThat(read).hasSize(1);
    age("event_fingerprints", "received_at", "body_hash", "hash01", now);
    app.app.core().db().write(h -> {
      EventStore.removeFingerprints(h, read);
      return null;
    });
    assertThat(rows("SELECT body_hash FROM event_fingerprints WHERE trigger_id = '" + id + "'")).hasSize(25).contains("hash01");
  }

  @Test
  void firedScheduleSlotsGoOnceADayOldUnlessTheScheduleCouldStillReachThem() throws InterruptedException {
    String id = trigger(600).get("id").asText();
    long now = System.currentTimeMillis();
    app.app.core().db().write(h -> {
      for (long age : new long[] {49 * HOUR, 25 * HOUR, 23 * HOUR, HOUR}) {
        h.execute("INSERT INTO schedule_slots (trigger_id, slot_at, event_id) VALUES (?, ?, 'evt_slot')", id, now - age);
      }
      // A slot of a trigger deleted since.
      h.execute("INSERT INTO schedule_slots (trigger_id, slot_at, event_id) VALUES ('trg_gone', ?, 'evt_slot')", now - 49 * HOUR);
      // The trigger's next slot 30 hours ago (its nodes were down): the 25-hour-old slot is still ahead of it.
      h.execute("UPDATE triggers SET next_trigger_at = ? WHERE id = ?", now - 30 * HOUR, id);
      return null;
    });

    assertThat(housekeeping().runOnce(now)).containsEntry("schedule_slots", 2);
    assertThat(rows("SELECT trigger_id FROM schedule_slots WHERE trigger_id = 'trg_gone'")).isEmpty();
    List<Long> kept = app.app.core().db().read(h -> h.createQuery("SELECT slot_at FROM schedule_slots WHERE trigger_id = ?")
        .bind(0, id).mapTo(Long.class).list());
    assertThat(kept).containsExactlyInAnyOrder(now - 25 * HOUR, now - 23 * HOUR, now - HOUR);
  }
}
