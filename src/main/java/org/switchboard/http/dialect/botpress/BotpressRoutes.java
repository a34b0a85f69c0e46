package org.switchboard.http.dialect.botpress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.Problems;
import org.switchboard.http.Requests;
import org.switchboard.intake.ChannelIntake;
import org.switchboard.model.Channel;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;

/**
 * Botpress Messaging API's inbound endpoint, the channel's {@code webhookUrl}. The answers to a message go out
 * through the channel's own subscription (see {@code Channels}); errors use Botpress's {@code {id, code, type, message}}.
 */
public final class BotpressRoutes {
  private static final String PATH = "/api/botpress/messaging/{channelId}";
  private static final int MAX_ID = 255;
  private final Core core;
  private final Guard guard;

  public BotpressRoutes(Core core, Guard guard) {
    this.core = core;
    this.guard = guard;
  }

  public void register(Api api) {
    api.post(PATH, "Botpress dialect", "Send a user message to the channel's bot", ctx -> {
      try {
        receive(ctx);
      } catch (Exception e) {
        Problems.answer(ctx, e, BotpressRoutes::error);
      }
    }, 200, 400, 401, 403, 404, 409, 413);
  }

  private void receive(Context ctx) {
    guard.principal(ctx);
    String id = ctx.pathParam("channelId");
    if (!Ids.looksLike("chn_", id)) throw Problem.notFound("channel '" + Requests.abbreviate(id) + "'");
    Channel channel = core.channels().get(id);
    if (!Channel.BOTPRESS_MESSAGING.equals(channel.type())) throw Problem.notFound("channel " + id);
    guard.owned(ctx, channel.projectId(), Permission.CONVERSATION, "channel " + id);
    JsonNode body = Requests.json(ctx, core.config().maxBodyBytes());
    ObjectNode payload = validate(body);
    ChannelIntake.Received r = core.channelIntake().receive(channel, body.get("conversationId").asText(),
        body.get("userId").asText(), body.get("messageId").asText(), body.get("type").asText(), payload, "botpress");
    ObjectNode answer = Json.object();
    answer.putObject("message").put("id", r.messageId());
    answer.putObject("user").put("id", r.contactId());
    answer.putObject("conversation").put("id", r.conversationId());
    ctx.status(200).json(answer);
  }

  /** Checks every field at once; returns the message payload with {@code text} filled in from the body. */
  static ObjectNode validate(JsonNode body) {
    if (!body.isObject()) throw new Problem(400, "Bad request", "the body must be a JSON object");
    List<Problem.FieldError> issues = new ArrayList<>();
    for (String field : List.of("userId", "messageId", "conversationId", "type", "text")) {
      JsonNode value = body.get(field);
      if (value == null || value.isNull()) issues.add(new Problem.FieldError(field, "is required"));
      else if (!value.isTextual()) issues.add(new Problem.FieldError(field, "must be a string"));
      else if (value.asText().isBlank()) issues.add(new Problem.FieldError(field, "must not be empty"));
      else if (!field.equals("text") && value.asText().length() > MAX_ID) {
        issues.add(new Problem.FieldError(field, "must be at most " + MAX_ID + " characters"));
      }
    }
    JsonNode payload = body.get("payload");
    if (payload != null && !payload.isNull() && !payload.isObject()) issues.add(new Problem.FieldError("payload", "must be an object"));
    if (!issues.isEmpty()) {
      StringBuilder message = new StringBuilder("Invalid message: ");
      for (int i = 0; i < issues.size(); i++) {
        message.append(i == 0 ? "" : "; ").append(issues.get(i).path()).append(' ').append(issues.get(i).message());
      }
      throw new Problem(400, "Bad request", message.toString(), issues);
    }
    ObjectNode out = payload != null && payload.isObject() ? (ObjectNode) payload.deepCopy() : Json.object();
    if (!out.has("text")) out.put("text", body.get("text").asText());
    return out;
  }

  private static ObjectNode error(Problem p) {
    ObjectNode body = Json.object().put("id", Ids.next("err_")).put("code", p.status()).put("type", type(p.status()))
        .put("message", p.detail());
    if (!p.errors().isEmpty()) {
      var issues = body.putArray("issues");
      p.errors().forEach(e -> issues.addObject().put("path", e.path()).put("message", e.message()));
    }
    return body;
  }

  private static String type(int status) {
    return switch (status) {
      case 400, 413, 415 -> "InvalidPayload";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "ResourceNotFound";
      case 409 -> "ResourceConflict";
      case 429 -> "RateLimited";
      case 503 -> "ServiceUnavailable";
      default -> status >= 500 ? "InternalError" : "Unknown";
    };
  }
}
