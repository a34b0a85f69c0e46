package org.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Function;

/** The wire shapes of the native API. */
public final class Views {
  private Views() {}

  public static ObjectNode project(Project p) {
    return Json.object().put("id", p.id()).put("name", p.name()).put("createdAt", Times.iso(p.createdAt()));
  }

  public static ObjectNode apiKey(ApiKey k) {
    ObjectNode node = Json.object().put("id", k.id()).put("projectId", k.projectId()).put("name", k.name());
    k.permissions().forEach(node.putArray("permissions")::add);
    return node.put("createdAt", Times.iso(k.createdAt()));
  }

  public static ObjectNode bot(Bot b) {
    ObjectNode node = Json.object().put("id", b.id()).put("projectId", b.projectId()).put("name", b.name())
        .put("key", b.key());
    if (b.publishedVersion() == null) node.putNull("publishedVersion");
    else node.put("publishedVersion", b.publishedVersion());
    node.set("draft", b.draft());
    return node.put("createdAt", Times.iso(b.createdAt())).put("updatedAt", Times.iso(b.updatedAt()));
  }

  public static ObjectNode version(BotVersion v) {
    ObjectNode node = Json.object().put("botId", v.botId()).put("version", v.version())
        .put("publishedAt", Times.iso(v.publishedAt()));
    node.set("definition", v.definition());
    return node;
  }

  /** {@code secret} is null for callers who may not see it. */
  public static ObjectNode trigger(Trigger t, String url, String secret) {
    ObjectNode node = Json.object().put("id", t.id()).put("projectId", t.projectId()).put("name", t.name())
        .put("key", t.key()).put("description", t.description()).put("botId", t.botId())
        .put("authenticate", t.authenticate()).put("waitForResponse", t.waitForResponse())
        .put("responseTimeoutMs", t.responseTimeoutMs()).put("sessionDurationSeconds", t.sessionDurationSeconds())
        .put("ignoreDuplicates", t.ignoreDuplicates()).put("duplicateWindowSeconds", t.duplicateWindowSeconds())
        .put("filter", t.filter()).put("rateLimitPerMinute", t.rateLimitPerMinute());
    node.set("schedule", t.schedule());
    node.set("meta", t.meta());
    node.put("status", t.status()).put("url", url);
    if (secret != null) node.put("secret", secret);
    return node.put("createdAt", Times.iso(t.createdAt())).put("updatedAt", Times.iso(t.updatedAt()))
        .put("lastTriggerAt", Times.iso(t.lastTriggerAt())).put("nextTriggerAt", Times.iso(t.nextTriggerAt()));
  }

  public static ObjectNode event(Event e) {
    ObjectNode node = Json.object().put("id", e.id()).put("projectId", e.projectId()).put("triggerId", e.triggerId())
        .put("channelId", e.channelId()).put("conversationId", e.conversationId()).put("source", e.source())
        .put("type", e.type()).put("status", e.status());
    node.set("payload", e.payload());
    node.put("receivedAt", Times.iso(e.receivedAt())).put("startedAt", Times.iso(e.startedAt()))
        .put("completedAt", Times.iso(e.completedAt())).put("attempts", e.attempts());
    JsonNode result = e.result();
    if (result == null) {
      ObjectNode empty = Json.object();
      empty.putArray("messageIds");
      empty.putArray("actions");
      empty.putNull("error");
      result = empty;
    }
    node.set("result", result);
    if (e.dropReason() != null) node.put("dropReason", e.dropReason());
    if (e.originalEventId() != null) node.put("originalEventId", e.originalEventId());
    return node;
  }

  public static ObjectNode conversation(Conversation c) {
    ObjectNode node = Json.object().put("id", c.id()).put("projectId", c.projectId()).put("botId", c.botId())
        .put("botVersion", c.botVersion()).put("contactId", c.contactId()).put("triggerId", c.triggerId())
        .put("channelId", c.channelId()).put("externalId", c.externalId()).put("status", c.status());
    node.set("variables", c.variables());
    return node.put("createdAt", Times.iso(c.createdAt())).put("lastActivityAt", Times.iso(c.lastActivityAt()));
  }

  public static ObjectNode message(Message m) {
    ObjectNode node = Json.object().put("id", m.id()).put("conversationId", m.conversationId()).put("seq", m.seq())
        .put("role", m.role()).put("type", m.type());
    node.set("payload", m.payload());
    return node.put("createdAt", Times.iso(m.createdAt())).put("eventId", m.eventId());
  }

  public static ObjectNode contact(Contact c) {
    return Json.object().put("id", c.id()).put("projectId", c.projectId()).put("name", c.name())
        .put("email", c.email()).put("phone", c.phone()).put("externalId", c.externalId())
        .put("createdAt", Times.iso(c.createdAt())).put("updatedAt", Times.iso(c.updatedAt()));
  }

  /** {@code secret} is null for callers who may not see it. */
  public static ObjectNode subscription(Subscription s, String secret) {
    ObjectNode node = Json.object().put("id", s.id()).put("projectId", s.projectId());
    s.topics().forEach(node.putArray("topics")::add);
    node.put("url", s.url()).put("method", s.method()).put("botId", s.botId())
        .put("contactExternalId", s.contactExternalId()).put("channelId", s.channelId());
    node.set("headers", s.headers());
    node.set("queryParams", s.queryParams());
    node.set("bodyTemplate", s.bodyTemplate());
    node.put("ordered", s.ordered()).put("status", s.status())
        .put("disabledReason", s.disabledReason()).put("failingSince", Times.iso(s.failingSince()));
    node.set("meta", s.meta());
    if (secret != null) node.put("secret", secret);
    return node.put("createdAt", Times.iso(s.createdAt())).put("updatedAt", Times.iso(s.updatedAt()));
  }

  public static ObjectNode delivery(Delivery d, List<DeliveryAttempt> attempts) {
    ObjectNode node = Json.object().put("id", d.id()).put("subscriptionId", d.subscriptionId())
        .put("notificationId", d.notificationId()).put("conversationId", d.conversationId()).put("status", d.status())
        .put("attemptCount", d.attempts()).put("nextAttemptAt", Delivery.PENDING.equals(d.status()) ? Times.iso(d.nextAttemptAt()) : null)
        .put("lastStatus", d.lastStatus()).put("lastError", d.lastError())
        .put("createdAt", Times.iso(d.createdAt())).put("completedAt", Times.iso(d.completedAt()));
    if (attempts != null) {
      var list = node.putArray("attempts");
      for (var a : attempts) {
        list.addObject().put("attempt", a.attempt()).put("at", Times.iso(a.at())).put("status", a.statusCode())
            .put("error", a.error()).put("durationMs", a.durationMs()).put("response", a.response());
      }
    }
    return node;
  }

  public static <T> ObjectNode page(Page<T> page, Function<T, ObjectNode> view) {
    ObjectNode node = Json.object();
    page.items().forEach(item -> node.withArray("items").add(view.apply(item)));
    if (page.items().isEmpty()) node.putArray("items");
    return node.put("nextCursor", page.nextCursor());
  }

  public static <T> ObjectNode items(List<T> items, Function<T, ObjectNode> view) {
    return page(new Page<>(items, null), view);
  }
}
