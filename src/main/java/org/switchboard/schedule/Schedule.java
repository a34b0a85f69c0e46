package org.switchboard.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;

/**
 * A trigger's schedule: a 5-field cron expression, a named interval, a single ISO date-time, or never; evaluated in
 * an IANA time zone with its daylight-saving rules. Slots are wall-clock times: one in a skipped hour fires at the
 * first valid time after it, one in a repeated hour fires once (at its first occurrence), and slots that land on
 * the same instant fire once.
 */
public final class Schedule {
  public enum Missed { ALL, LAST, NONE }

  /** The named intervals, each a cron expression in the schedule's time zone. */
  public static final Map<String, String> NAMED = Map.of(
      "quarterhourly", "*/15 * * * *",
      "halfhourly", "*/30 * * * *",
      "hourly", "0 * * * *",
      "twicedaily", "0 0,12 * * *",
      "daily", "0 0 * * *",
      "twiceweekly", "0 0 * * 1,4",
      "weekly", "0 0 * * 1",
      "twicemonthly", "0 0 1,15 * *",
      "monthly", "0 0 1 * *");

  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String expression;
  private final ZoneId zone;
  private final JsonNode payload;
  private final Missed missed;
  private final ExecutionTime cron;
  private final Instant once;

  private Schedule(String expression, ZoneId zone, JsonNode payload, Missed missed, ExecutionTime cron, Instant once) {
    this.expression = expression;
    this.zone = zone;
    this.payload = payload;
    this.missed = missed;
    this.cron = cron;
    this.once = once;
  }

  /** Parses {@code {cron, timezone, payload, missed}}; a 422 names every problem. */
  public static Schedule parse(JsonNode spec) {
    List<Problem.FieldError> errors = new ArrayList<>();
    if (spec == null || !spec.isObject()) throw Problem.invalid("schedule", "must be an object {cron, timezone, payload, missed}");
    for (var it = spec.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!List.of("cron", "timezone", "payload", "missed").contains(key)) errors.add(new Problem.FieldError("schedule." + key, "unknown key"));
    }
    String expression = spec.path("cron").asText("").trim();
    ZoneId zone = ZoneOffset.UTC;
    if (spec.hasNonNull("timezone")) {
      try {
        zone = ZoneId.of(spec.get("timezone").asText());
      } catch (DateTimeException e) {
        errors.add(new Problem.FieldError("schedule.timezone", "'" + spec.get("timezone").asText() + "' is not an IANA time zone"));
      }
    }
    Missed missed = Missed.LAST;
    if (spec.hasNonNull("missed")) {
      try {
        missed = Missed.valueOf(spec.get("missed").asText().toUpperCase());
      } catch (IllegalArgumentException e) {
        errors.add(new Problem.FieldError("schedule.missed", "must be all, last or none"));
      }
    }
    ExecutionTime cron = null;
    Instant once = null;
    if (expression.isEmpty()) {
      errors.add(new Problem.FieldError("schedule.cron", "a cron expression, a named interval, an ISO date-time or never is required"));
    } else if (!expression.equalsIgnoreCase("never")) {
      String named = NAMED.get(expression.toLowerCase());
      if (named != null || !looksLikeDate(expression)) {
        try {
          cron = ExecutionTime.forCron(CRON.parse(named != null ? named : expression).validate());
        } catch (IllegalArgumentException e) {
          errors.add(new Problem.FieldError("schedule.cron", "'" + expression + "' is not a 5-field cron expression, a named interval ("
              + String.join(", ", NAMED.keySet().stream().sorted().toList()) + "), an ISO date-time or never: " + e.getMessage()));
        }
      } else {
        try {
          once = OffsetDateTime.parse(expression).toInstant();
        } catch (DateTimeParseException withoutOffset) {
          try {
            once = wallClock(LocalDateTime.parse(expression), zone);
          } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError("schedule.cron", "'" + expression + "' is not an ISO date-time"));
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw Problem.invalid(errors.size() == 1 ? errors.get(0).path() + ": " + errors.get(0).message() : "the schedule is invalid", errors);
    }
    JsonNode payload = spec.has("payload") && !spec.get("payload").isNull() ? spec.get("payload") : Json.object();
    return new Schedule(expression, zone, payload, missed, cron, once);
  }

  private static boolean looksLikeDate(String s) { return s.matches("\\d{4}-\\d{2}-\\d{2}T.*"); }

  public JsonNode payload() { return payload; }

  public Missed missed() { return missed; }

  /** The first slot strictly after {@code after}, if there is one. */
  public Optional<Instant> nextAfter(Instant after) {
    if (once != null) return once.isAfter(after) ? Optional.of(once) : Optional.empty();
    if (cron == null) return Optional.empty();
    // Walk wall-clock slots; map each to its instant in the zone; keep the first that is later than 'after'.
    LocalDateTime local = LocalDateTime.ofInstant(after, zone).minusHours(3);
    for (int guard = 0; guard < 100_000; guard++) {
      Optional<ZonedDateTime> next = cron.nextExecution(local.atZone(ZoneOffset.UTC));
      if (next.isEmpty()) return Optional.empty();
      local = next.get().toLocalDateTime();
      Instant at = wallClock(local, zone);
      if (at.isAfter(after)) return Optional.of(at);
    }
    return Optional.empty();
  }

  /** Slots in (after, until], oldest first, at most {@code limit} of the newest. */
  public List<Instant> slotsBetween(Instant after, Instant until, int limit) {
    List<Instant> slots = new ArrayList<>();
    Instant cursor = after;
    while (true) {
      Optional<Instant> next = nextAfter(cursor);
      if (next.isEmpty() || next.get().isAfter(until)) break;
      slots.add(next.get());
      if (slots.size() > limit) slots.remove(0);
      cursor = next.get();
    }
    return slots;
  }

  /** A wall-clock time in a zone: in a gap, the first valid instant after it; in an overlap, its first occurrence. */
  static Instant wallClock(LocalDateTime local, ZoneId zone) {
    ZoneOffsetTransition transition = zone.getRules().getTransition(local);
    if (transition != null && transition.isGap()) return transition.getInstant();
    return local.atZone(zone).toInstant(); // atZone picks the earlier offset in an overlap
  }
}
