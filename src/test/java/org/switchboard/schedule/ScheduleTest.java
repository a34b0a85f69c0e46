package org.switchboard.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;

/** Slot arithmetic with explicit instants: named intervals, time zones, DST, leap days, month ends. */
class ScheduleTest {

  private static Schedule schedule(String cron, String zone) {
    var spec = Json.object().put("cron", cron);
    if (zone != null) spec.put("timezone", zone);
    return Schedule.parse(spec);
  }

  private static Instant next(String cron, String zone, String after) {
    return schedule(cron, zone).nextAfter(Instant.parse(after)).orElseThrow();
  }

  @Test
  void namedIntervals() {
    String at = "2026-11-18T10:07:00Z"; // a Wednesday
    assertThat(next("quarterhourly", null, at)).isEqualTo("2026-11-18T10:15:00Z");
    assertThat(next("halfhourly", null, at)).isEqualTo("2026-11-18T10:30:00Z");
    assertThat(next("hourly", null, at)).isEqualTo("2026-11-18T11:00:00Z");
    assertThat(next("twicedaily", null, at)).isEqualTo("2026-11-18T12:00:00Z");
    assertThat(next("daily", null, at)).isEqualTo("2026-11-19T00:00:00Z");
    assertThat(next("twiceweekly", null, at)).isEqualTo("2026-11-19T00:00:00Z"); // Thursday
    assertThat(next("twiceweekly", null, "2026-11-19T00:00:00Z")).isEqualTo("2026-11-23T00:00:00Z"); // Monday
    assertThat(next("weekly", null, at)).isEqualTo("2026-11-23T00:00:00Z");
    assertThat(next("twicemonthly", null, at)).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(next("twicemonthly", null, "2026-12-01T00:00:00Z")).isEqualTo("2026-12-15T00:00:00Z");
    assertThat(next("monthly", null, at)).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(next("daily", "Europe/Berlin", at)).isEqualTo("2026-11-18T23:00:00Z");
  }

  @Test
  void newYorkSpringForwardFiresASkippedSlotAtTheFirstValidTime() {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    assertThat(next("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z")).isEqualTo("2026-03-08T07:00:00Z"); // 03:00 EDT
    assertThat(next("30 2 * * *", "America/New_York", "2026-03-08T07:00:00Z")).isEqualTo("2026-03-09T06:30:00Z"); // 02:30 EDT
    // Hourly: 01:00 EST, then the skipped 02:00 and the real 03:00 land on one instant and fire once.
    List<Instant> slots = schedule("hourly", "America/New_York")
        .slotsBetween(Instant.parse("2026-03-08T05:30:00Z"), Instant.parse("2026-03-08T09:00:00Z"), 100);
    assertThat(slots).containsExactly(Instant.parse("2026-03-08T06:00:00Z"), Instant.parse("2026-03-08T07:00:00Z"),
        Instant.parse("2026-03-08T08:00:00Z"), Instant.parse("2026-03-08T09:00:00Z"));
  }

  @Test
  void newYorkFallBackFiresARepeatedSlotOnce() {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    List<Instant> slots = schedule("30 1 * * *", "America/New_York")
        .slotsBetween(Instant.parse("2026-10-31T12:00:00Z"), Instant.parse("2026-11-02T12:00:00Z"), 100);
    assertThat(slots).containsExactly(Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-02T06:30:00Z"));
    List<Instant> hourly = schedule("hourly", "America/New_York")
        .slotsBetween(Instant.parse("2026-11-01T03:30:00Z"), Instant.parse("2026-11-01T08:00:00Z"), 100);
    assertThat(hourly).containsExactly(Instant.parse("2026-11-01T04:00:00Z"), Instant.parse("2026-11-01T05:00:00Z"),
        Instant.parse("2026-11-01T07:00:00Z"), Instant.parse("2026-11-01T08:00:00Z")); // 00:00, 01:00 EDT, 02:00, 03:00 EST
    // Asked during the second 01:xx, the next slot is not the repeated one.
    assertThat(next("30 1 * * *", "America/New_York", "2026-11-01T06:10:00Z")).isEqualTo("2026-11-02T06:30:00Z");
  }

  @Test
  void berlinTransitions() {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 2026-10-25: 03:00 CEST falls back to 02:00 CET.
    assertThat(next("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z")).isEqualTo("2026-03-29T01:00:00Z"); // 03:00 CEST
    List<Instant> autumn = schedule("30 2 * * *", "Europe/Berlin")
        .slotsBetween(Instant.parse("2026-10-24T12:00:00Z"), Instant.parse("2026-10-26T12:00:00Z"), 100);
    assertThat(autumn).containsExactly(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void leapDaysAndMonthEnds() {
    assertThat(next("0 12 29 2 *", null, "2026-03-01T00:00:00Z")).isEqualTo("2028-02-29T12:00:00Z");
    assertThat(next("monthly", null, "2027-01-31T10:00:00Z")).isEqualTo("2027-02-01T00:00:00Z");
    assertThat(next("twicemonthly", null, "2028-02-16T00:00:00Z")).isEqualTo("2028-03-01T00:00:00Z");
    assertThat(next("twicemonthly", null, "2028-02-29T23:59:00Z")).isEqualTo("2028-03-01T00:00:00Z");
    assertThat(next("0 0 31 * *", null, "2026-04-01T00:00:00Z")).isEqualTo("2026-05-31T00:00:00Z");
    assertThat(next("monthly", "America/New_York", "2026-12-31T12:00:00Z")).isEqualTo("2027-01-01T05:00:00Z");
  }

  @Test
  void oneShotsAndNever() {
    assertThat(next("2026-12-24T18:00:00Z", null, "2026-11-01T00:00:00Z")).isEqualTo("2026-12-24T18:00:00Z");
    assertThat(next("2026-12-24T18:00:00", "Europe/Berlin", "2026-11-01T00:00:00Z")).isEqualTo("2026-12-24T17:00:00Z");
    assertThat(schedule("2026-12-24T18:00:00Z", null).nextAfter(Instant.parse("2026-12-24T18:00:00Z"))).isEmpty();
    assertThat(schedule("never", null).nextAfter(Instant.parse("2026-01-01T00:00:00Z"))).isEmpty();
  }

  @Test
  void catchUpIsCappedToTheNewestSlots() {
    List<Instant> slots = schedule("quarterhourly", null)
        .slotsBetween(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-03T00:00:00Z"), 100);
    assertThat(slots).hasSize(100);
    assertThat(slots.get(99)).isEqualTo("2026-11-03T00:00:00Z");
  }

  @Test
  void badSchedulesNameTheProblem() {
    assertThatThrownBy(() -> schedule("61 * * * *", null)).isInstanceOfSatisfying(Problem.class, p -> {
      assertThat(p.status()).isEqualTo(422);
      assertThat(p.errors().get(0).path()).isEqualTo("schedule.cron");
    });
    assertThatThrownBy(() -> schedule("every tuesday", null)).isInstanceOf(Problem.class).hasMessageContaining("schedule.cron");
    assertThatThrownBy(() -> schedule("daily", "Mars/Olympus")).isInstanceOfSatisfying(Problem.class,
        p -> assertThat(p.errors().get(0).message()).contains("Mars/Olympus"));
    assertThatThrownBy(() -> Schedule.parse(Json.object().put("cron", "daily").put("missed", "some")))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.errors().get(0).path()).isEqualTo("schedule.missed"));
    assertThatThrownBy(() -> schedule("2026-13-45T99:00:00Z", null)).isInstanceOf(Problem.class);
  }
}
