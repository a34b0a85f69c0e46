package org.switchboard.http.dialect.chataibot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Principal;
import org.switchboard.http.Api;
import org.switchboard.http.Problems;
import org.switchboard.http.Requests;
import org.switchboard.intake.ContactInput;
import org.switchboard.model.Bot;
import org.switchboard.model.Contact;
import org.switchboard.model.Conversation;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.model.Problem;
import org.switchboard.store.BotStore;
import org.switchboard.store.ContactStore;
import org.switchboard.store.ConversationStore;

/**
 * ChatAIBot's API channel: start a conversation with a bot named by its key, send visitor messages, list messages.
 * The API key's project is the scope. Errors are {@code {ok: false, error}}.
 */
public final class ChatAiBotRoutes {
  private static final DateTimeFormatter CREATED_AT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  private final Core core;

  public ChatAiBotRoutes(Core core) { this.core = core; }

  public void register(Api api) {
    String tag = "ChatAIBot dialect";
    api.post("/api/v1/conversations", tag, "Start a conversation (API channel)", ctx -> guarded(ctx, () -> start(ctx)), 200, 400, 401, 403, 404, 409)
        .post("/api/v1/conversation/{conversationId}/messages", tag, "Send a visitor message",
            ctx -> guarded(ctx, () -> send(ctx)), 200, 400, 401, 403, 404, 409)
        .get("/api/v1/conversation/{conversationId}/messages", tag, "List a conversation's messages",
            ctx -> guarded(ctx, () -> list(ctx)), 200, 401, 403, 404);
  }

  private Principal principal(Context ctx, Permission permission) {
    Principal p = core.access().authenticate(Requests.token(ctx));
    if (p.admin()) throw Problem.forbidden("use a project API key: its project is the scope of this API");
    p.require(p.projectId(), permission);
    return p;
  }

  private void start(Context ctx) {
    Principal p = principal(ctx, Permission.CONVERSATION);
    JsonNode body = Requests.json(ctx, core.config().maxBodyBytes());
    if (!"API".equals(body.path("channel").asText())) throw Problem.badRequest("channel must be \"API\"");
    String botKey = body.path("bot_key").asText("");
    if (botKey.isEmpty()) throw Problem.badRequest("bot_key is required");
    String visitor = body.path("from").path("user_external_id").asText("");
    if (visitor.isEmpty()) throw Problem.badRequest("from.user_external_id is required");
    MessageIn first = message(body.path("message"));
    Bot bot = core.db().read(h -> BotStore.findByKey(h, p.projectId(), botKey))
        .orElseThrow(() -> Problem.notFound("bot with key '" + botKey + "'"));
    JsonNode variables = body.path("variables");
    JsonNode contactVars = variables.path("contact");
    ContactInput contact = new ContactInput(text(contactVars, "name"), text(contactVars, "email"), text(contactVars, "phone"), visitor);
    ObjectNode vars = variables.path("conversation").isObject() ? ((ObjectNode) variables.get("conversation")).deepCopy() : Json.object();
    if (variables.path("system").isObject()) vars.set("system", variables.get("system"));
    Conversation c = core.conversations().start(p.projectId(), bot.id(), contact, vars, null);
    core.conversations().postMessage(c.id(), first.type(), first.payload(), "chataibot", Json.object(), null);
    Contact stored = core.db().read(h -> ContactStore.find(h, c.contactId())).orElseThrow();
    ObjectNode answer = Json.object().put("ok", true);
    ObjectNode conversation = answer.putObject("conversation").put("id", c.id())
        .put("created_at", CREATED_AT.format(Instant.ofEpochMilli(c.createdAt())));
    conversation.putObject("assignee").put("id", bot.id()).put("to", bot.name());
    answer.putObject("contact").put("name", stored.name()).put("email", stored.email()).put("phone", stored.phone())
        .put("visitor_key", visitor + "_" + p.projectId());
    ctx.json(answer);
  }

  private Conversation conversation(Context ctx, Principal p) {
    String id = ctx.pathParam("conversationId");
    Conversation c = core.db().read(h -> ConversationStore.find(h, id)).filter(x -> x.projectId().equals(p.projectId()))
        .orElseThrow(() -> Problem.notFound("conversation " + Requests.abbreviate(id)));
    return c;
  }

  private void send(Context ctx) {
    Principal p = principal(ctx, Permission.CONVERSATION);
    Conversation c = conversation(ctx, p);
    JsonNode body = Requests.json(ctx, core.config().maxBodyBytes());
    MessageIn in = message(body.path("message"));
    var posted = core.conversations().postMessage(c.id(), in.type(), in.payload(), "chataibot", Json.object(), null);
    ctx.json(Json.object().put("ok", true).put("message_id", posted.message().id()));
  }

  private void list(Context ctx) {
    Principal p = principal(ctx, Permission.READ);
    Conversation c = conversation(ctx, p);
    List<Message> messages = core.db().read(h -> ConversationStore.messagesAfter(h, c.id(), 0, 500));
    ObjectNode answer = Json.object().put("ok", true);
    var list = answer.putArray("messages");
    for (Message m : messages) {
      ObjectNode item = list.addObject().put("id", m.id());
      item.putObject("from").put("type", Message.USER.equals(m.role()) ? "VISITOR" : "BOT");
      item.put("type", m.type());
      ObjectNode data = item.putObject("data");
      if (m.payload().path("text").isTextual()) data.put("body", m.payload().get("text").asText());
      else data.setAll((ObjectNode) m.payload().deepCopy());
      item.put("created_at", CREATED_AT.format(Instant.ofEpochMilli(m.createdAt())));
    }
    ctx.json(answer);
  }

  private record MessageIn(String type, ObjectNode payload) {}

  /** ChatAIBot's {@code {type, data: {body}}}: a text message's body is the core's {@code {text}}. */
  private static MessageIn message(JsonNode message) {
    String type = message.path("type").asText("text");
    JsonNode data = message.path("data");
    if (type.equals("text")) {
      if (!data.path("body").isTextual() || data.get("body").asText().isEmpty()) throw Problem.badRequest("message.data.body must be a non-empty string");
      return new MessageIn("text", Json.object().put("text", data.get("body").asText()));
    }
    if (!data.isObject()) throw Problem.badRequest("message.data must be an object");
    return new MessageIn(type, ((ObjectNode) data).deepCopy());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void guarded(Context ctx, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      Problems.answer(ctx, e, p -> Json.object().put("ok", false).put("error", p.detail()));
    }
  }
}
