package org.switchboard.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.switchboard.store.GroupCommitter;
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

  /**
   * What a conversation's notifications carry about it, loaded once per transaction. Its {@link #snapshot} is
   * written once however many notifications carry it, and may be written before the transaction.
   */
  public static final class Parties {
    private final Conversation conversation;
    private final Contact contact;
    private final Bot bot;
    private Snapshot snapshot; // racy but safe: final fields publish it whole, and any thread makes an equal one

    private record Snapshot(String json, JsonNode tree) {}

    public Parties(Conversation conversation, Contact contact, Bot bot) {
      this.conversation = conversation;
      this.contact = contact;
      this.bot = bot;
    }

    public Conversation conversation() { return conversation; }

    public Contact contact() { return contact; }

    public Bot bot() { return bot; }

    String contactExternalId() { return contact == null ? null : contact.externalId(); }

    /** The conversation, contact and bot as a notification's data, in JSON. */
    public String snapshot() { return snapshotMade().json(); }

    /** The same as a tree, which nothing may change: a delivery handed over uses it instead of parsing the JSON. */
    private JsonNode snapshotTree() { return snapshotMade().tree(); }

    private Snapshot snapshotMade() {
      Snapshot made = snapshot;
      if (made == null) {
        ObjectNode data = Json.object();
        data.set("conversation", Views.conversation(conversation));
        data.set("contact", contact == null ? null : Views.contact(contact));
        data.set("bot", bot == null ? null : Json.object().put("id", bot.id()).put("name", bot.name())
            .put("key", bot.key()).put("version", conversation.botVersion()));
        snapshot = made = new Snapshot(Json.write(data), data);
      }
      return made;
    }
  }

  private final Catalog catalog;
  private final GroupCommitter committer;
  private final Notifier notifier;
  private volatile Dispatcher dispatcher;

  public Outbox(Catalog catalog, GroupCommitter committer, Notifier notifier) {
    this.catalog = catalog;
    this.committer = committer;
    this.notifier = notifier;
  }

  /**
   * This node's dispatcher, which takes new deliveries stored already leased to it while it has free slots: they
   * skip the claim and the reads after it.
   */
  public void handOffTo(Dispatcher dispatcher) { this.dispatcher = dispatcher; }

  /** Who a conversation involves, for its notifications (caller's transaction). */
  public Parties parties(Handle h, Conversation c) {
    Contact contact = c.contactId() == null ? null : ContactStore.find(h, c.contactId()).orElse(null);
    return new Parties(c, contact, catalog.bot(h, c.botId()).orElse(null));
  }

  public void messageCreated(Handle h, Parties p, Message m, long now) {
    publish(h, p.conversation().projectId(), MESSAGE_CREATED, p, p.snapshot(), p.snapshotTree(), null, m, now);
  }

  public void conversationStarted(Handle h, Parties p, long now) {
    publish(h, p.conversation().projectId(), CONVERSATION_STARTED, p, p.snapshot(), p.snapshotTree(), null, null, now);
  }

  public void conversationEnded(Handle h, Parties p, long now) {
    publish(h, p.conversation().projectId(), CONVERSATION_ENDED, p, p.snapshot(), p.snapshotTree(), null, null, now);
  }

  /** event.completed, event.failed or event.dropped, by the event's status. */
  public void eventFinished(Handle h, Event e, Parties p, long now) {
    String topic = switch (e.status()) {
      case Event.COMPLETED -> EVENT_COMPLETED;
      case Event.FAILED -> EVENT_FAILED;
      case Event.DROPPED -> EVENT_DROPPED;
      default -> throw new IllegalArgumentException("event " + e.id() + " is not finished");
    };
    publish(h, e.projectId(), topic, p, "{}", null, e, null, now);
  }

  /** A flow's emit step: {@code custom.<name>} with exactly the data the flow emitted. */
  public void custom(Handle h, Parties p, String topic, JsonNode data, long now) {
    publish(h, p.conversation().projectId(), topic, p, data, now);
  }

  public void subscriptionDisabled(Handle h, Subscription s, String reason, long now) {
    ObjectNode data = Json.object();
    data.putObject("subscription").put("id", s.id()).put("url", s.url()).put("reason", reason);
    publish(h, s.projectId(), SUBSCRIPTION_DISABLED, null, data, now);
  }

  private void publish(Handle h, String projectId, String topic, Parties p, JsonNode data, long now) {
    publish(h, projectId, topic, p, Json.write(data), null, null, null, now);
  }

  /**
   * {@code event} or {@code message}, the finished event or the message the notification is about: its stored data
   * leaves them out, and the feed puts them back from their own rows ({@link OutboxStore}).
   */
  private void publish(Handle h, String projectId, String topic, Parties p, String dataJson, JsonNode dataTree,
                       Event event, Message message, long now) {
    Published n = new Published(Ids.next("ntf_"), projectId, topic, p == null ? null : p.conversation().id(),
        p == null ? null : p.conversation().botId(), p == null ? null : p.contactExternalId(),
        p == null ? null : p.conversation().channelId(), dataJson, dataTree, event, message, now);
    Feed batched = committer.atBatchEnd(h, Feed.class, () -> new Feed(this));
    if (batched != null) {
      batched.add(n);
    } else {
      Feed single = new Feed(this);
      single.add(n);
      single.flush(h);
    }
  }

  private record Published(String id, String projectId, String topic, String conversationId, String botId,
                           String contactExternalId, String channelId, String dataJson, JsonNode dataTree,
                           Event event, Message message, long createdAt) {
    String eventId() { return event == null ? null : event.id(); }

    String messageId() { return message == null ? null : message.id(); }

    /** The notification as the feed reads it back, assembled from what was published instead. */
    Notification whole(Notification numbered) {
      Notification withData = new Notification(numbered.id(), numbered.projectId(), numbered.seq(), numbered.topic(),
          numbered.conversationId(), numbered.botId(), numbered.contactExternalId(),
          dataTree != null ? dataTree : Json.read(dataJson),
          numbered.createdAt());
      return OutboxStore.whole(withData, eventId(), event, messageId(), message);
    }
  }

  /**
   * The notifications of one transaction, numbered in a project's feed and stored together when it ends: one
   * counter update per project and batched inserts, and the project's row is locked only at the very end.
   */
  private static final class Feed implements GroupCommitter.BatchEnd {
    private final Catalog catalog;
    private final GroupCommitter committer;
    private final Notifier notifier;
    private final Dispatcher dispatcher;
    private final Map<String, List<Published>> byProject = new LinkedHashMap<>();

    Feed(Outbox outbox) {
      this.catalog = outbox.catalog;
      this.committer = outbox.committer;
      this.notifier = outbox.notifier;
      this.dispatcher = outbox.dispatcher;
    }

    void add(Published n) { byProject.computeIfAbsent(n.projectId(), k -> new ArrayList<>()).add(n); }

    @Override
    public void flush(Handle h) {
      // Projects in a fixed order, so two transactions that lock several project rows cannot deadlock.
      for (var entry : new java.util.TreeMap<>(byProject).entrySet()) {
        List<Published> published = entry.getValue();
        long seq = OutboxStore.advanceFeed(h, entry.getKey(), published.size()) - published.size();
        List<OutboxStore.NewNotification> numbered = new ArrayList<>(published.size());
        List<OutboxStore.NewDelivery> deliveries = new ArrayList<>();
        List<Subscription> subscriptions = catalog.activeSubscriptions(h, entry.getKey());
        for (Published p : published) {
          Notification n = new Notification(p.id(), p.projectId(), ++seq, p.topic(), p.conversationId(), p.botId(),
              p.contactExternalId(), null, p.createdAt());
          numbered.add(new OutboxStore.NewNotification(n, p.dataJson(), p.eventId(), p.messageId()));
          for (Subscription s : subscriptions) {
            if (s.wants(p.topic(), p.botId(), p.contactExternalId(), p.channelId())) {
              deliveries.add(delivery(h, s, p, n));
            }
          }
        }
        OutboxStore.insertNotifications(h, numbered);
        OutboxStore.insertDeliveries(h, deliveries);
        // Deliveries not handed over are due now: the dispatchers hear of them after the commit. (A claim is itself
        // a later commit, so nothing is sent before this one is on disk.)
        if (deliveries.stream().anyMatch(d -> d.leaseOwner() == null)) h.afterCommit(notifier::deliveriesDue);
      }
      byProject.clear();
    }

    /**
     * Leased to this node's dispatcher when it has a free slot and the transaction is a batch that reports its
     * commit; an ordered subscription's delivery always waits for its turn in the claim.
     */
    private OutboxStore.NewDelivery delivery(Handle h, Subscription s, Published p, Notification n) {
      var unleased = new OutboxStore.NewDelivery(Ids.delivery(), s.id(), n, s.ordered(), null, 0);
      Dispatcher.Reservation slot = dispatcher == null || s.ordered() ? null : dispatcher.reserve();
      if (slot == null) return unleased;
      var leased = new OutboxStore.NewDelivery(unleased.id(), s.id(), n, false, slot.owner(), slot.leaseUntil(n.createdAt()));
      if (committer.afterCommit(h, () -> slot.send(leased.asStored(), s, () -> p.whole(n)), slot::cancel)) return leased;
      slot.cancel();
      return unleased;
    }
  }
}
