package org.switchboard.http.dialect.chathive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.delivery.Replies;
import org.switchboard.http.Api;
import org.switchboard.http.Requests;
import org.switchboard.intake.ContactInput;
import org.switchboard.intake.TriggerIntake;
import org.switchboard.model.Event;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.model.Problem;
import org.switchboard.model.Trigger;
import org.switchboard.model.Views;

/**
 * Chathive's API trigger: {@code POST /api/v1.0/project/{projectId}/trigger/{key}} with {@code x-api-key}. It
 * checks Chathive's body fields and translates them (sessionId, customer, environment, language, timezone,
 * context) onto the core intake; sessions, filters, duplicates and the rate limit are the core's.
 */
public final class ChathiveRoutes {
  public static final int RATE_LIMIT = 512;
  private final Core core;

  public ChathiveRoutes(Core core) { this.core = core; }

  public void register(Api api) {
    api.post("/api/v1.0/project/{projectId}/trigger/{key}", "Chathive dialect", "Chathive's API trigger", this::invoke,
        200, 202, 400, 401, 403, 404, 408, 413, 429);
  }

  private void invoke(Context ctx) {
    Principal principal = core.access().authenticate(Requests.token(ctx));
    String projectId = ctx.pathParam("projectId");
    principal.require(projectId, Permission.TRIGGER);
    if (!principal.admin()) core.rateLimiter().hit("chathive:" + principal.keyId(), RATE_LIMIT, 60_000);
    Trigger trigger = core.triggerIntake().activeTriggerByKey(projectId, ctx.pathParam("key"));
    JsonNode body = Requests.json(ctx, core.config().maxBodyBytes());
    if (!body.isObject()) throw Problem.badRequest("the body must be a JSON object");
    ObjectNode context = validate(body);
    JsonNode customer = body.path("customer");
    ContactInput contact = customer.isObject() ? new ContactInput(text(customer, "name"), text(customer, "email"),
        text(customer, "phone"), text(customer, "id")) : ContactInput.NONE;
    String session = body.hasNonNull("sessionId") ? body.get("sessionId").asText() : null;
    var outcome = core.triggerIntake().invoke(trigger, new TriggerIntake.Invocation(body, Requests.headers(ctx),
        Requests.query(ctx), session, contact, Requests.idempotencyKey(ctx), "chathive", context));
    answer(ctx, core.replies(), outcome);
  }

  /** Chathive's field rules; returns what the flow sees as event.environment, language, timezone and context. */
  private static ObjectNode validate(JsonNode body) {
    java.util.List<Problem.FieldError> errors = new java.util.ArrayList<>();
    JsonNode instruction = body.get("instruction");
    if (instruction != null && !instruction.isNull() && !instruction.isTextual() && !instruction.isObject()) {
      errors.add(new Problem.FieldError("instruction", "must be a string or an object"));
    }
    for (String field : new String[] {"sessionId", "environment"}) {
      if (body.has(field) && !body.get(field).isNull() && !body.get(field).isTextual()) errors.add(new Problem.FieldError(field, "must be a string"));
    }
    if (body.hasNonNull("language") && !body.get("language").asText().matches("[A-Za-z]{2}")) {
      errors.add(new Problem.FieldError("language", "must be an ISO 639-1 code such as \"en\""));
    }
    if (body.hasNonNull("timezone")) {
      try {
        ZoneId.of(body.get("timezone").asText());
      } catch (DateTimeException e) {
        errors.add(new Problem.FieldError("timezone", "'" + body.get("timezone").asText() + "' is not an IANA time zone"));
      }
    }
    if (body.has("customer") && !body.get("customer").isNull()) {
      if (!body.get("customer").isObject()) errors.add(new Problem.FieldError("customer", "must be an object {id, name, email, phone}"));
    }
    if (body.has("context") && !body.get("context").isNull()) {
      if (!body.get("context").isObject()) {
        errors.add(new Problem.FieldError("context", "must be an object"));
      } else {
        body.get("context").fields().forEachRemaining(e -> {
          JsonNode v = e.getValue();
          if (!(v.isTextual() || v.isNumber() || v.isBoolean() || v.isNull())) {
            errors.add(new Problem.FieldError("context." + e.getKey(), "must be a string, number, boolean or null"));
          }
        });
      }
    }
    if (!errors.isEmpty()) throw new Problem(400, "Bad request", errors.get(0).path() + " " + errors.get(0).message(), errors);
    ObjectNode context = Json.object().put("environment", body.path("environment").asText("api"));
    if (body.hasNonNull("language")) context.put("language", body.get("language").asText().toLowerCase());
    if (body.hasNonNull("timezone")) context.put("timezone", body.get("timezone").asText());
    if (body.hasNonNull("context")) context.set("context", body.get("context"));
    return context;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void answer(Context ctx, Replies replies, TriggerIntake.Outcome outcome) {
    Trigger trigger = outcome.trigger();
    Event event = outcome.event();
    if (Event.DROPPED.equals(event.status())) {
      boolean duplicate = "duplicate".equals(event.dropReason());
      throw Problem.badRequest(duplicate ? "an event with the same body was received within the duplicate window"
              : "the trigger's filter did not match this event")
          .with("reason", event.dropReason()).with("eventId", event.id());
    }
    ObjectNode body = Json.object();
    if (!trigger.waitForResponse()) {
      ctx.status(202).json(body.put("status", "accepted").put("eventId", event.id()).put("conversationId", event.conversationId()));
      return;
    }
    Optional<Replies.Finished> done = replies.await(event.id(), trigger.responseTimeoutMs(), outcome.handedOver());
    if (done.isEmpty()) {
      ctx.status(408).json(body.put("status", "processing").put("eventId", event.id()).put("conversationId", event.conversationId()));
      return;
    }
    body.put("status", done.get().event().status()).put("eventId", event.id()).put("conversationId", event.conversationId());
    ObjectNode response = body.putObject("response");
    StringBuilder text = new StringBuilder();
    var messages = response.putArray("messages");
    for (Message m : done.get().messages()) {
      messages.add(Views.message(m));
      if (m.payload().path("text").isTextual()) text.append(text.isEmpty() ? "" : "\n").append(m.payload().get("text").asText());
    }
    response.put("text", text.toString());
    ctx.status(200).json(body);
  }
}
