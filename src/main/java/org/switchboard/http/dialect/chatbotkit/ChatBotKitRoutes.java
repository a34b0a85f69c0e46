package org.switchboard.http.dialect.chatbotkit;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.switchboard.Core;
import org.switchboard.http.Api;
import org.switchboard.http.Problems;
import org.switchboard.http.Requests;
import org.switchboard.intake.ContactInput;
import org.switchboard.intake.TriggerIntake;
import org.switchboard.model.Event;
import org.switchboard.model.Json;
import org.switchboard.model.Trigger;

/**
 * ChatBotKit's trigger integration event endpoint: {@code /api/v1/integration/trigger/{triggerId}/event}, any method,
 * any content type, the trigger secret as {@code Authorization: Bearer}. Errors are ChatBotKit's {@code {message, code}}.
 */
public final class ChatBotKitRoutes {
  private static final String EVENT = "/api/v1/integration/trigger/{triggerId}/event";
  private final Core core;

  public ChatBotKitRoutes(Core core) { this.core = core; }

  public void register(Api api) {
    String tag = "ChatBotKit dialect";
    Handler event = ctx -> withErrors(ctx, () -> event(ctx));
    api.post(EVENT, tag, "Send an event to a trigger integration", event, 200, 400, 401, 404, 413)
        .get(EVENT, tag, "Send an event (empty body)", event, 200, 400, 401, 404)
        .put(EVENT, tag, "Send an event", event, 200, 400, 401, 404, 413)
        .patch(EVENT, tag, "Send an event", event, 200, 400, 401, 404, 413)
        .delete(EVENT, tag, "Send an event", event, 200, 400, 401, 404, 413);
  }

  private void event(Context ctx) {
    Trigger trigger = core.triggerIntake().activeTrigger(ctx.pathParam("triggerId"));
    core.triggerIntake().authorize(trigger, bearer(ctx), TriggerIntake.CredentialRule.SECRET_ONLY);
    var payload = ctx.method().name().equals("GET") ? Json.object() : Requests.payload(ctx, core.config().maxBodyBytes());
    ContactInput contact = Requests.contactFromQuery(ctx);
    var outcome = core.triggerIntake().invoke(trigger, new TriggerIntake.Invocation(payload, Requests.headers(ctx),
        Requests.query(ctx), ctx.queryParam("session"), contact, Requests.idempotencyKey(ctx), "chatbotkit", Json.object()));
    Event e = outcome.event();
    var body = Json.object().put("ok", true).put("eventId", e.id()).put("conversationId", e.conversationId());
    if (Event.DROPPED.equals(e.status())) body.put("dropped", e.dropReason());
    ctx.status(200).json(body);
  }

  /** ChatBotKit compares the whole header: exactly "Bearer <secret>". */
  private static String bearer(Context ctx) {
    String auth = ctx.header("Authorization");
    return auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
  }

  /** Renders any failure in ChatBotKit's error shape. */
  static void withErrors(Context ctx, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      Problems.answer(ctx, e, p -> Json.object().put("message", p.detail()).put("code", code(p.status())));
    }
  }

  static String code(int status) {
    return switch (status) {
      case 400 -> "BAD_REQUEST";
      case 401 -> "UNAUTHORIZED";
      case 403 -> "FORBIDDEN";
      case 404 -> "NOT_FOUND";
      case 409 -> "CONFLICT";
      case 413 -> "PAYLOAD_TOO_LARGE";
      case 415 -> "UNSUPPORTED_MEDIA_TYPE";
      case 422 -> "UNPROCESSABLE_ENTITY";
      case 429 -> "TOO_MANY_REQUESTS";
      case 503 -> "SERVICE_UNAVAILABLE";
      default -> status >= 500 ? "INTERNAL_SERVER_ERROR" : "ERROR";
    };
  }
}
