package org.switchboard.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Set;
import org.switchboard.Core;
import org.switchboard.auth.Permission;
import org.switchboard.catalog.Fields;
import org.switchboard.http.Api;
import org.switchboard.http.Guard;
import org.switchboard.http.Requests;
import org.switchboard.model.Views;
import org.switchboard.intake.ContactInput;
import org.switchboard.intake.ConversationIntake;
import org.switchboard.model.Contact;
import org.switchboard.model.Conversation;
import org.switchboard.model.Json;
import org.switchboard.model.Page;
import org.switchboard.model.Problem;
import org.switchboard.store.ContactStore;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.EventStore;

/** Conversations for custom chat front ends, their messages, stream and events, and contacts. */
public final class ConversationRoutes {
  private static final Set<String> STATUSES = Set.of(Conversation.ACTIVE, Conversation.HANDOFF, Conversation.ENDED);
  private static final long DEFAULT_WAIT_MS = 30_000;
  private final Core core;
  private final Guard guard;
  private final MessageStream stream;

  public ConversationRoutes(Core core, Guard guard, MessageStream stream) {
    this.core = core;
    this.guard = guard;
    this.stream = stream;
  }

  public void register(Api api) {
    api.post("/v1/projects/{projectId}/conversations", "Conversations", "Start a conversation with a bot", this::start, 201, 400, 401, 403, 404, 409, 422)
        .get("/v1/projects/{projectId}/conversations", "Conversations", "List conversations", this::list, 200, 400, 401, 403, 404)
        .get("/v1/conversations/{conversationId}", "Conversations", "Get a conversation", this::get, 200, 401, 403, 404)
        .post("/v1/conversations/{conversationId}/messages", "Conversations", "Send a user message; ?wait=true waits for the replies; "
            + "an Idempotency-Key repeated within 24 h answers with the first message",
            this::post, 200, 202, 400, 401, 403, 404, 408, 409, 413)
        .get("/v1/conversations/{conversationId}/messages", "Conversations", "List messages after a seq", this::messages, 200, 400, 401, 403, 404)
        .get("/v1/conversations/{conversationId}/stream", "Conversations", "Server-Sent Events: one per new message; Last-Event-ID resumes",
            this::stream, 200, 401, 403, 404)
        .get("/v1/conversations/{conversationId}/events", "Conversations", "The events of a conversation", this::events, 200, 401, 403, 404)
        .post("/v1/conversations/{conversationId}/end", "Conversations", "End a conversation", this::end, 200, 401, 403, 404)
        .post("/v1/conversations/{conversationId}/reload", "Conversations",
            "Move the conversation to its bot's latest published version", this::reload, 200, 401, 403, 404, 409)
        .post("/v1/conversations/{conversationId}/operator-messages", "Conversations",
            "Send a message as a person during a handoff: {text} or {type, payload}", this::operatorMessage, 201, 400, 401, 403, 404, 409, 422)
        .post("/v1/conversations/{conversationId}/handoff", "Conversations", "Start or stop a human handoff", this::handoff, 200, 400, 401, 403, 404, 409)
        .get("/v1/projects/{projectId}/contacts", "Contacts", "List contacts by email, phone or externalId", this::contacts, 200, 401, 403, 404)
        .get("/v1/contacts/{contactId}", "Contacts", "Get a contact", this::contact, 200, 401, 403, 404);
  }

  private Conversation conversation(Context ctx, Permission permission) {
    String id = Requests.id(ctx, "conversationId", "cnv_", "conversation");
    Conversation c = core.conversations().get(id);
    guard.owned(ctx, c.projectId(), permission, "conversation " + id);
    return c;
  }

  private void start(Context ctx) {
    String projectId = guard.project(ctx, Permission.CONVERSATION);
    Fields f = new Fields(Requests.json(ctx, core.config().maxBodyBytes()));
    String botId = f.text("botId", true, 100);
    JsonNode contact = f.object("contact");
    JsonNode variables = f.object("variables");
    f.check();
    ContactInput input = contact == null ? ContactInput.NONE : new ContactInput(text(contact, "name"),
        text(contact, "email"), text(contact, "phone"), text(contact, "externalId"));
    Conversation c = core.conversations().start(projectId, botId, input, (ObjectNode) variables, null);
    ctx.status(201).json(Views.conversation(c));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw Problem.invalid("contact." + field, "must be a string");
    return v.asText();
  }

  private void list(Context ctx) {
    String projectId = guard.project(ctx, Permission.READ);
    String status = ctx.queryParam("status");
    if (status != null && !STATUSES.contains(status)) throw Problem.badRequest("status must be one of " + STATUSES);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "cnv_");
    var rows = core.db().read(h -> ConversationStore.list(h, projectId, ctx.queryParam("botId"),
        ctx.queryParam("contactId"), status, cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, Conversation::id), Views::conversation));
  }

  private record Content(String type, ObjectNode payload) {}

  /** A message body: {@code {text}} or {@code {type, payload}}. */
  private static Content content(JsonNode body) {
    if (!body.isObject()) throw Problem.badRequest("the body must be {text} or {type, payload}");
    if (body.has("text")) {
      if (!body.get("text").isTextual() || body.get("text").asText().isEmpty()) throw Problem.invalid("text", "must be a non-empty string");
      return new Content("text", Json.object().put("text", body.get("text").asText()));
    }
    if (body.path("type").isTextual() && body.path("payload").isObject()) {
      return new Content(body.get("type").asText(), (ObjectNode) body.get("payload"));
    }
    throw Problem.invalid("the body must be {text} or {type, payload}",
        java.util.List.of(new Problem.FieldError("text", "give text, or type and payload")));
  }

  private void operatorMessage(Context ctx) {
    Conversation c = conversation(ctx, Permission.CONVERSATION);
    Content content = content(Requests.json(ctx, core.config().maxBodyBytes()));
    ctx.status(201).json(Views.message(core.conversations().operatorMessage(c.id(), content.type(), content.payload())));
  }

  private void get(Context ctx) {
    ctx.json(Views.conversation(conversation(ctx, Permission.READ)));
  }

  private void post(Context ctx) {
    Conversation c = conversation(ctx, Permission.CONVERSATION);
    Content content = content(Requests.json(ctx, core.config().maxBodyBytes()));
    String type = content.type();
    ObjectNode payload = content.payload();
    boolean wait = Requests.flag(ctx, "wait");
    long timeout = timeout(ctx);
    ConversationIntake.Posted posted = core.conversations().postMessage(c.id(), type, payload, "native", Json.object(),
        Requests.idempotencyKey(ctx));
    ObjectNode answer = Json.object();
    answer.set("message", Views.message(posted.message()));
    answer.put("eventId", posted.event().id());
    if (!wait) {
      ctx.status(202).json(answer);
      return;
    }
    var done = core.replies().await(posted.event().id(), timeout);
    if (done.isEmpty()) {
      ctx.status(408).json(answer.put("status", "processing"));
      return;
    }
    var replies = answer.putArray("replies");
    done.get().messages().forEach(m -> replies.add(Views.message(m)));
    answer.put("status", done.get().event().status());
    ctx.status(200).json(answer);
  }

  private static long timeout(Context ctx) {
    String value = ctx.queryParam("timeoutMs");
    if (value == null) return DEFAULT_WAIT_MS;
    try {
      long ms = Long.parseLong(value);
      if (ms >= 1 && ms <= 900_000) return ms;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw Problem.badRequest("timeoutMs must be a whole number from 1 to 900000");
  }

  private void messages(Context ctx) {
    Conversation c = conversation(ctx, Permission.READ);
    long after = seq(ctx.queryParam("after"), "after");
    String cursor = ctx.queryParam("cursor");
    if (cursor != null) after = Math.max(after, seq(cursor, "cursor"));
    int limit = Requests.limit(ctx);
    long from = after;
    var rows = core.db().read(h -> ConversationStore.messagesAfter(h, c.id(), from, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, m -> String.valueOf(m.seq())), Views::message));
  }

  static long seq(String value, String name) { return seq(value, name, "a message seq"); }

  /** A seq sent as {@code name}; {@code what} says what it counts (a message seq, a notification seq). */
  static long seq(String value, String name, String what) {
    if (value == null || value.isEmpty()) return 0;
    try {
      long seq = Long.parseLong(value);
      if (seq >= 0) return seq;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw Problem.badRequest(name + " must be " + what + " (a whole number from 0)");
  }

  private void stream(Context ctx) {
    Conversation c = conversation(ctx, Permission.READ);
    String lastEventId = ctx.header("Last-Event-ID");
    long after = lastEventId != null ? seq(lastEventId, "Last-Event-ID") : seq(ctx.queryParam("after"), "after");
    stream.serve(ctx, c.id(), after);
  }

  private void events(Context ctx) {
    Conversation c = conversation(ctx, Permission.READ);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "evt_");
    var rows = core.db().read(h -> EventStore.list(h, c.projectId(), null, null, c.id(), cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, e -> e.id()), Views::event));
  }

  private void end(Context ctx) {
    Conversation c = conversation(ctx, Permission.CONVERSATION);
    ctx.json(Views.conversation(core.conversations().end(c.id())));
  }

  private void reload(Context ctx) {
    Conversation c = conversation(ctx, Permission.CONVERSATION);
    ctx.json(Views.conversation(core.conversations().reload(c.id())));
  }

  private void handoff(Context ctx) {
    Conversation c = conversation(ctx, Permission.CONVERSATION);
    Fields f = new Fields(Requests.json(ctx, core.config().maxBodyBytes()));
    Boolean active = f.bool("active");
    if (active == null) f.error("active", "must be true or false");
    f.check();
    ctx.json(Views.conversation(core.conversations().handoff(c.id(), active)));
  }

  private void contacts(Context ctx) {
    String projectId = guard.project(ctx, Permission.READ);
    int limit = Requests.limit(ctx);
    String cursor = Requests.cursor(ctx, "ctc_");
    var rows = core.db().read(h -> ContactStore.list(h, projectId, ctx.queryParam("email"), ctx.queryParam("phone"),
        ctx.queryParam("externalId"), cursor, limit + 1));
    ctx.json(Views.page(Page.of(rows, limit, Contact::id), Views::contact));
  }

  private void contact(Context ctx) {
    String id = Requests.id(ctx, "contactId", "ctc_", "contact");
    Contact contact = core.db().read(h -> ContactStore.find(h, id)).orElseThrow(() -> Problem.notFound("contact " + id));
    guard.owned(ctx, contact.projectId(), Permission.READ, "contact " + id);
    ctx.json(Views.contact(contact));
  }
}
