package org.switchboard.http.dialect.chatbotkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Trigger;
import org.switchboard.schedule.Schedule;

/**
 * Translates ChatBotKit trigger integration records to native trigger fields and back: {@code sessionDuration} in
 * milliseconds, {@code schedule} and {@code timezone} as two top-level strings, times in epoch milliseconds.
 */
final class TriggerRecords {
  static final long MAX_SESSION_MS = 2_592_000_000L;
  private static final List<String> FIELDS = List.of("name", "description", "meta", "botId", "blueprintId",
      "authenticate", "schedule", "timezone", "sessionDuration");
  /** Native field paths as ChatBotKit names them, for error messages. */
  private static final Map<String, String> NAMES = Map.of("sessionDurationSeconds", "sessionDuration",
      "schedule.cron", "schedule", "schedule.timezone", "timezone", "schedule", "schedule");

  private TriggerRecords() {}

  /** The native create or update body for a ChatBotKit record; {@code current} is null on create. */
  static ObjectNode toNative(JsonNode record, Trigger current, String defaultName) {
    if (!record.isObject()) throw Problem.badRequest("the body must be a JSON object");
    List<Problem.FieldError> errors = new ArrayList<>();
    record.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) errors.add(new Problem.FieldError(f, "unknown field"));
    });
    ObjectNode out = Json.object();
    for (String copied : List.of("name", "description", "meta", "botId", "authenticate")) {
      if (record.has(copied)) out.set(copied, record.get(copied));
    }
    if (current == null && !record.hasNonNull("name")) out.put("name", defaultName);
    if (record.has("sessionDuration")) {
      JsonNode ms = record.get("sessionDuration");
      if (!ms.canConvertToLong() || !ms.isIntegralNumber() || ms.asLong() < 0 || ms.asLong() > MAX_SESSION_MS) {
        errors.add(new Problem.FieldError("sessionDuration", "must be a whole number of milliseconds from 0 to " + MAX_SESSION_MS));
      } else {
        out.put("sessionDurationSeconds", (ms.asLong() + 999) / 1000);
      }
    }
    if (record.has("schedule") || record.has("timezone")) schedule(record, current, out, errors);
    if (!errors.isEmpty()) {
      // Name every problem at once: the core would check the schedule only after these were fixed.
      if (out.hasNonNull("schedule")) {
        try {
          Schedule.parse(out.get("schedule"));
        } catch (Problem p) {
          errors.addAll(p.errors());
        }
      }
      throw Problem.invalid("the trigger integration is not valid", errors);
    }
    return out;
  }

  private static void schedule(JsonNode record, Trigger current, ObjectNode out, List<Problem.FieldError> errors) {
    JsonNode existing = current == null ? null : current.schedule();
    JsonNode cron = record.has("schedule") ? record.get("schedule") : existing == null ? null : existing.get("cron");
    JsonNode zone = record.has("timezone") ? record.get("timezone") : existing == null ? null : existing.get("timezone");
    if (cron != null && !cron.isNull() && !cron.isTextual()) errors.add(new Problem.FieldError("schedule", "must be a string or null"));
    if (zone != null && !zone.isNull() && !zone.isTextual()) errors.add(new Problem.FieldError("timezone", "must be a string or null"));
    if (cron == null || cron.isNull() || cron.asText().isBlank()) {
      out.putNull("schedule");
      return;
    }
    ObjectNode schedule = existing != null && existing.isObject() ? (ObjectNode) existing.deepCopy() : Json.object();
    schedule.put("cron", cron.asText());
    if (zone == null || zone.isNull() || zone.asText().isBlank()) schedule.remove("timezone");
    else schedule.put("timezone", zone.asText());
    out.set("schedule", schedule);
  }

  static ObjectNode toRecord(Trigger t, String secret) {
    ObjectNode node = Json.object().put("id", t.id()).put("name", t.name()).put("description", t.description());
    node.set("meta", t.meta());
    node.put("botId", t.botId()).put("secret", secret).put("authenticate", t.authenticate());
    JsonNode schedule = t.schedule();
    node.put("schedule", schedule == null ? null : schedule.path("cron").asText(null));
    node.put("timezone", schedule == null ? null : schedule.path("timezone").asText(schedule.has("cron") ? "UTC" : null));
    node.put("sessionDuration", t.sessionDurationSeconds() * 1000);
    node.put("createdAt", t.createdAt()).put("updatedAt", t.updatedAt());
    node.put("lastTriggerAt", t.lastTriggerAt()).put("nextTriggerAt", t.nextTriggerAt());
    return node;
  }

  /** A core validation failure, its field paths renamed to ChatBotKit's. */
  static String message(Problem p) {
    if (p.errors().isEmpty()) return p.detail();
    StringBuilder message = new StringBuilder();
    for (Problem.FieldError e : p.errors()) {
      if (!message.isEmpty()) message.append("; ");
      message.append(NAMES.getOrDefault(e.path(), e.path())).append(": ").append(e.message());
    }
    return message.toString();
  }
}
