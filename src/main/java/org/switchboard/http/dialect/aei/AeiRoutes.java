package org.switchboard.http.dialect.aei;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.delivery.Outbox;
import org.switchboard.http.Api;
import org.switchboard.http.Problems;
import org.switchboard.http.Requests;
import org.switchboard.http.api.LiveStreams;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Subscription;
import org.switchboard.store.SubscriptionStore;

/**
 * AEI Studio's Event API: publish ExternalTrigger and ReloadSession, subscribe webhooks to BotMessage, and the
 * WebSocket ({@link AeiSocket}). The key comes as {@code api_key} in the query or as {@code x-api-key}; its project is
 * the scope. Errors are {@code {error, status}}.
 */
public final class AeiRoutes {
  static final String META = "aei";
  /** sendEventAsBody: AEI's own body, {userId, botId, message}, as a JSON template. */
  static final JsonNode EVENT_BODY = Json.read(
      "{\"userId\": \"{{contact.externalId}}\", \"botId\": \"{{bot.id}}\", \"message\": \"{{message}}\"}");
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");
  private final Core core;
  private final AeiSocket socket;

  public AeiRoutes(Core core, LiveStreams streams) {
    this.core = core;
    this.socket = new AeiSocket(core, streams);
  }

  public void register(Api api) {
    String tag = "AEI Studio dialect";
    api.post("/api/events/publish/ExternalTrigger", tag, "Fire a flow's trigger entry point for a user", wrap(this::externalTrigger), 202, 400, 401, 403, 404, 409)
        .post("/api/events/publish/ReloadSession", tag, "Move users' open conversations to the bot's latest version", wrap(this::reload), 200, 400, 401, 403, 404, 409)
        .post("/api/events/subscribe", tag, "Call a webhook on every bot message", wrap(this::subscribe), 201, 400, 401, 403, 422)
        .get("/api/events/subscriptions", tag, "List Event API subscriptions", wrap(this::subscriptions), 200, 401, 403)
        .delete("/api/events/subscriptions/{subscriptionId}", tag, "Delete a subscription", wrap(this::unsubscribe), 204, 401, 403, 404);
    api.webSocket("/api/ws", socket::configure, wrap(Api.UPGRADE_REQUIRED));
  }

  private static Handler wrap(Handler handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (Exception failure) {
        Problems.answer(ctx, failure, AeiRoutes::error);
      }
    };
  }

  private static JsonNode error(Problem p) {
    String message = p.errors().isEmpty() ? p.detail()
        : String.join("; ", p.errors().stream().map(e -> e.path() + ": " + e.message()).toList());
    return Json.object().put("error", message).put("status", p.status());
  }

  /** The token from {@code api_key} or {@code x-api-key}; the key's project, after checking the permission. */
  static String project(Core core, String token, Permission permission) {
    Principal p = core.access().authenticate(token);
    if (p.admin()) throw Problem.forbidden("use a project API key; its project is the scope");
    p.require(p.projectId(), permission);
    return p.projectId();
  }

  private String project(Context ctx, Permission permission) {
    String token = ctx.queryParam("api_key");
    return project(core, token != null && !token.isBlank() ? token : Requests.token(ctx), permission);
  }

  private JsonNode body(Context ctx) {
    JsonNode body = Requests.json(ctx, core.config().maxBodyBytes());
    if (!body.isObject()) throw Problem.badRequest("the body must be a JSON object");
    return body;
  }

  /** A string field; {@code required} or absent/null. Bad types are collected. */
  private static String text(JsonNode body, String field, boolean required, List<Problem.FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) errors.add(new Problem.FieldError(field, "is required"));
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      errors.add(new Problem.FieldError(field, "must be a non-empty string"));
      return null;
    }
    return v.asText();
  }

  private static void check(List<Problem.FieldError> errors) {
    if (!errors.isEmpty()) throw new Problem(400, "Bad request", errors.get(0).path() + " " + errors.get(0).message(), errors);
  }

  private void externalTrigger(Context ctx) {
    String projectId = project(ctx, Permission.TRIGGER);
    JsonNode body = body(ctx);
    List<Problem.FieldError> errors = new ArrayList<>();
    String userId = text(body, "userId", true, errors);
    String botId = text(body, "botId", false, errors);
    String triggerId = text(body, "triggerId", true, errors);
    check(errors);
    Event e = core.contactConversations().trigger(projectId, botId, userId, triggerId, "aei");
    ctx.status(202).json(Json.object().put("eventId", e.id()).put("conversationId", e.conversationId()));
  }

  private void reload(Context ctx) {
    String projectId = project(ctx, Permission.ADMIN);
    JsonNode body = body(ctx);
    List<Problem.FieldError> errors = new ArrayList<>();
    String userId = text(body, "userId", false, errors);
    String botId = text(body, "botId", true, errors);
    check(errors);
    int reloaded = core.contactConversations().reload(projectId, botId, userId);
    ctx.json(Json.object().put("reloaded", reloaded));
  }

  private void subscribe(Context ctx) {
    String projectId = project(ctx, Permission.ADMIN);
    JsonNode body = body(ctx);
    List<Problem.FieldError> errors = new ArrayList<>();
    String topic = text(body, "topic", true, errors);
    if (topic != null && !topic.equals("BotMessage")) errors.add(new Problem.FieldError("topic", "must be BotMessage"));
    String userId = text(body, "userId", false, errors);
    String botId = text(body, "botId", false, errors);
    JsonNode webhook = body.path("webhook");
    if (!webhook.isObject()) errors.add(new Problem.FieldError("webhook", "must be an object {method, url, queryParams, body}"));
    String method = webhook.path("method").asText("POST").toUpperCase();
    if (!METHODS.contains(method)) errors.add(new Problem.FieldError("webhook.method", "must be GET, POST, PUT or DELETE"));
    JsonNode template = webhook.get("body");
    if (template != null && !template.isNull() && !template.isTextual()) errors.add(new Problem.FieldError("webhook.body", "must be a string"));
    JsonNode asBody = body.get("sendEventAsBody");
    if (asBody != null && !asBody.isNull() && !asBody.isBoolean()) errors.add(new Problem.FieldError("sendEventAsBody", "must be true or false"));
    check(errors);
    boolean sendEventAsBody = asBody != null && asBody.asBoolean();
    ObjectNode nativeBody = Json.object().put("url", webhook.path("url").asText("")).put("method", method)
        .put("botId", botId).put("contactExternalId", userId);
    nativeBody.putArray("topics").add(Outbox.MESSAGE_CREATED);
    if (webhook.has("queryParams")) nativeBody.set("queryParams", webhook.get("queryParams"));
    nativeBody.set("bodyTemplate", sendEventAsBody ? EVENT_BODY : template);
    ObjectNode original = Json.object().put("topic", topic).put("userId", userId).put("botId", botId);
    original.set("webhook", webhook);
    original.put("sendEventAsBody", sendEventAsBody);
    nativeBody.putObject("meta").set(META, original);
    Subscription s = core.subscriptions().create(projectId, nativeBody);
    ctx.status(201).json(Json.object().put("id", s.id()));
  }

  private void subscriptions(Context ctx) {
    String projectId = project(ctx, Permission.READ);
    List<Subscription> all = core.db().read(h -> SubscriptionStore.list(h, projectId, null, Integer.MAX_VALUE));
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Subscription s : all) {
      JsonNode original = s.meta().get(META);
      if (original == null || !original.isObject()) continue;
      ObjectNode item = Json.object().put("id", s.id());
      item.setAll((ObjectNode) original);
      out.add(item);
    }
    ctx.json(out);
  }

  private void unsubscribe(Context ctx) {
    String projectId = project(ctx, Permission.ADMIN);
    String id = ctx.pathParam("subscriptionId");
    if (!Ids.looksLike("sub_", id)) throw Problem.notFound("subscription '" + Requests.abbreviate(id) + "'");
    Subscription s = core.subscriptions().get(id);
    if (!s.projectId().equals(projectId) || !s.meta().has(META)) throw Problem.notFound("subscription " + id);
    core.subscriptions().delete(id);
    ctx.status(204);
  }
}
