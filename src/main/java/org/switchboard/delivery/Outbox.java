package org.switchboard.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.switchboard.model.Bot;
import org.switchboard.model.Contact;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.model.Notification;
import org.switchboard.model.Subscription;
import org.switchboard.model.Views;
import org.switchboard.store.Catalog;
import org.switchboard.store.ContactStore;
import org.switchboard.store.OutboxStore;

/**
 * The transactional outbox. Every call runs inside the caller's transaction: the notification and one delivery per
 * matching subscription commit together with the message or event they announce, or not at all.
 */
public final class Outbox {
  public static final String MESSAGE_CREATED = "message.created";
  public static final String CONVERSATION_STARTED = "conversation.started";
  public static final String CONVERSATION_ENDED = "conversation.ended";
  public static final String EVENT_COMPLETED = "event.completed";
  public static final String EVENT_FAILED = "event.failed";
  public static final String EVENT_DROPPED = "event.dropped";
  public static final String SUBSCRIPTION_DISABLED = "subscription.disabled";
  public static final List<String> TOPICS = List.of(MESSAGE_CREATED, CONVERSATION_STARTED, CONVERSATION_ENDED,
      EVENT_COMPLETED, EVENT_FAILED, EVENT_DROPPED, SUBSCRIPTION_DISABLED);

  /** What a conversation's notifications carry about it, loaded once per transaction. */
  public record Parties(Conversation conversation, Contact contact, Bot bot) {

    String contactExternalId() { return contact == null ? null : contact.externalId(); }

    void into(ObjectNode data) {
      data.set("conversation", Views.conversation(conversation));
      data.set("contact", contact == null ? null : Views.contact(contact));
      data.set("bot", bot == null ? null : Json.object().put("id", bot.id()).put("name", bot.name()).put("key", bot.key())
          .put("version", conversation.botVersion()));
    }
  }

  private final Catalog catalog;

  public Outbox(Catalog catalog) { this.catalog = catalog; }

  /** Who a conversation involves, for its notifications (caller's transaction). */
  public Parties parties(Handle h, Conversation c) {
    Contact contact = c.contactId() == null ? null : ContactStore.find(h, c.contactId()).orElse(null);
    return new Parties(c, contact, catalog.bot(h, c.botId()).orElse(null));
  }

  public Notification messageCreated(Handle h, Parties p, Message m, long now) {
    ObjectNode data = Json.object();
    data.set("message", Views.message(m));
    p.into(data);
    return publish(h, p.conversation().projectId(), MESSAGE_CREATED, p, data, now);
  }

  public Notification conversationStarted(Handle h, Parties p, long now) {
    ObjectNode data = Json.object();
    p.into(data);
    return publish(h, p.conversation().projectId(), CONVERSATION_STARTED, p, data, now);
  }

  public Notification conversationEnded(Handle h, Parties p, long now) {
    ObjectNode data = Json.object();
    p.into(data);
    return publish(h, p.conversation().projectId(), CONVERSATION_ENDED, p, data, now);
  }

  /** event.completed, event.failed or event.dropped, by the event's status. */
  public Notification eventFinished(Handle h, Event e, Parties p, long now) {
    String topic = switch (e.status()) {
      case Event.COMPLETED -> EVENT_COMPLETED;
      case Event.FAILED -> EVENT_FAILED;
      case Event.DROPPED -> EVENT_DROPPED;
      default -> throw new IllegalArgumentException("event " + e.id() + " is not finished");
    };
    ObjectNode data = Json.object();
    data.set("event", Views.event(e));
    return publish(h, e.projectId(), topic, p, data, now);
  }

  /** A flow's emit step: {@code custom.<name>} with exactly the data the flow emitted. */
  public Notification custom(Handle h, Parties p, String topic, JsonNode data, long now) {
    return publish(h, p.conversation().projectId(), topic, p, data, now);
  }

  public Notification subscriptionDisabled(Handle h, Subscription s, String reason, long now) {
    ObjectNode data = Json.object();
    data.putObject("subscription").put("id", s.id()).put("url", s.url()).put("reason", reason);
    return publish(h, s.projectId(), SUBSCRIPTION_DISABLED, null, data, now);
  }

  private Notification publish(Handle h, String projectId, String topic, Parties p, JsonNode data, long now) {
    String conversationId = p == null ? null : p.conversation().id();
    String botId = p == null ? null : p.conversation().botId();
    String externalId = p == null ? null : p.contactExternalId();
    String channelId = p == null ? null : p.conversation().channelId();
    Notification n = OutboxStore.append(h, Ids.next("ntf_"), projectId, topic, conversationId, botId, externalId,
        Json.write(data), now);
    for (Subscription s : catalog.activeSubscriptions(h, projectId)) {
      if (!s.wants(topic, botId, externalId, channelId)) continue;
      OutboxStore.insertDelivery(h, Ids.delivery(), s.id(), n, s.ordered(), now);
    }
    return n;
  }
}
