package org.switchboard.processing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.switchboard.model.Bot;
import org.switchboard.model.Contact;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.model.Json;
import org.switchboard.model.Times;

/** What templates and expressions see: event, contact, conversation, bot and now (vars are added per step). */
final class Scope {
  private Scope() {}

  static ObjectNode of(Event event, Conversation conversation, Contact contact, Bot bot, int version, long now) {
    ObjectNode scope = Json.object();
    ObjectNode e = scope.putObject("event");
    e.put("id", event.id());
    e.put("type", event.type());
    e.set("payload", event.payload());
    e.put("text", text(event));
    e.set("trigger", event.context().path("trigger").isObject() ? event.context().get("trigger") : Json.object());
    e.put("source", event.source());
    for (String field : new String[] {"environment", "language", "timezone", "context"}) {
      if (event.context().has(field)) e.set(field, event.context().get(field));
      else e.putNull(field);
    }
    ObjectNode c = scope.putObject("contact");
    if (contact != null) {
      c.put("id", contact.id()).put("name", contact.name()).put("email", contact.email())
          .put("phone", contact.phone()).put("externalId", contact.externalId());
    }
    scope.putObject("conversation").put("id", conversation.id()).put("createdAt", Times.iso(conversation.createdAt()))
        .put("channel", conversation.channelId());
    scope.putObject("bot").put("id", bot.id()).put("name", bot.name()).put("version", version);
    scope.putNull("input");
    scope.put("now", Times.iso(now));
    return scope;
  }

  /** The event's text: a message's text, or a payload's text/message field. */
  private static String text(Event event) {
    var payload = event.payload();
    if ("message".equals(event.type())) return payload.path("payload").path("text").asText(null);
    if ("wait".equals(event.type()) || "timeout".equals(event.type())) return null;
    if (payload.isTextual()) return payload.asText();
    if (payload.path("text").isTextual()) return payload.get("text").asText();
    if (payload.path("message").isTextual()) return payload.get("message").asText();
    return null;
  }
}
