package org.switchboard.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import org.switchboard.delivery.Notifier;
import org.switchboard.delivery.Outbox;
import org.switchboard.model.Bot;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.model.Problem;
import org.switchboard.store.BotStore;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.Database;
import org.switchboard.store.EventStore;
import org.switchboard.store.GroupCommitter;

/** Conversations started and written by a client (custom chat front ends, API channels), and replays. */
public final class ConversationIntake {
  /** A stored user message and its event; {@code repeated} when an idempotency key answered with an earlier one. */
  public record Posted(Message message, Event event, boolean repeated) {
    Posted(Message message, Event event) { this(message, event, false); }
  }

  private final Database db;
  private final GroupCommitter committer;
  private final Clock clock;
  private final Runnable wakeWorkers;
  private final Outbox outbox;
  private final Notifier notifier;

  public ConversationIntake(IntakeWiring w) {
    this.db = w.db();
    this.committer = w.committer();
    this.clock = w.clock();
    this.wakeWorkers = w.wakeWorkers();
    this.outbox = w.outbox();
    this.notifier = w.notifier();
  }


  public Conversation start(String projectId, String botId, ContactInput contact, ObjectNode variables, String channelId) {
    Bot bot = published(db.catalog().bot(botId).filter(b -> b.projectId().equals(projectId))
        .orElseThrow(() -> Problem.invalid("botId", "no bot " + botId + " in this project")));
    long now = clock.millis();
    Conversation started = committer.submit(h -> {
      String contactId = Contacts.resolve(h, projectId, contact, now);
      return open(h, outbox, new Conversation(Ids.conversation(), projectId, botId, bot.publishedVersion(), contactId,
          null, channelId, null, Conversation.ACTIVE, variables == null ? Json.object() : variables, Json.object(), now,
          now), now);
    });
    notifier.feedChanged(projectId);
    return started;
  }

  /** Stores a new conversation and announces it (caller's transaction). */
  static Conversation open(org.jdbi.v3.core.Handle h, Outbox outbox, Conversation c, long now) {
    return open(h, outbox, c, now, 0);
  }

  /** As {@link #open}, with the first {@code reservedEvents} event positions taken ({@link Queue#acceptFirst}). */
  static Conversation open(org.jdbi.v3.core.Handle h, Outbox outbox, Conversation c, long now, long reservedEvents) {
    ConversationStore.insert(h, c, reservedEvents);
    outbox.conversationStarted(h, outbox.parties(h, c), now);
    return c;
  }

  /** New conversations run the latest published version; a bot without one cannot start them (409). */
  static Bot published(Bot bot) {
    if (bot.publishedVersion() == null) throw Problem.conflict("bot " + bot.id() + " has no published version; publish it first");
    return bot;
  }

  public Conversation get(String conversationId) {
    return db.read(h -> ConversationStore.find(h, conversationId))
        .orElseThrow(() -> Problem.notFound("conversation " + conversationId));
  }

  /**
   * Stores a user message and the event that lets the bot answer it. 409 for an ended conversation; in handoff
   * the message is stored and the bot stays silent. An {@code idempotencyKey} (null for none) seen on this
   * conversation within 24 h answers with the message and event it stored first, even once the conversation ended.
   */
  public Posted postMessage(String conversationId, String type, ObjectNode payload, String source, ObjectNode context,
                            String idempotencyKey) {
    long now = clock.millis();
    String eventId = Ids.event();
    Posted posted = committer.submit(h -> {
      Conversation c = ConversationStore.findForUpdate(h, conversationId, db.dialect())
          .orElseThrow(() -> Problem.notFound("conversation " + conversationId));
      if (idempotencyKey != null) {
        var earlier = IdempotencyScope.CONVERSATION.claim(h, c.id(), idempotencyKey, eventId, now);
        if (earlier.isPresent()) return repeat(h, earlier.get());
      }
      if (Conversation.ENDED.equals(c.status())) throw Problem.conflict("conversation " + conversationId + " has ended");
      return append(h, c, eventId, type, payload, source, context, now);
    });
    if (!posted.repeated()) wakeWorkers.run();
    return posted;
  }

  private static Posted repeat(org.jdbi.v3.core.Handle h, String eventId) {
    // Within the key's 24 h its event and message are stored: log retention keeps at least a day.
    Event event = EventStore.find(h, eventId).orElseThrow();
    String messageId = event.context().path("messageId").asText();
    Message message = ConversationStore.messagesByIds(h, java.util.List.of(messageId)).get(messageId);
    return new Posted(message, event, true);
  }

  /** Stores a user message of an open conversation and queues the event that answers it (caller's transaction). */
  static Posted append(org.jdbi.v3.core.Handle h, Conversation c, String eventId, String type, ObjectNode payload,
                       String source, ObjectNode context, long now) {
    String messageId = Ids.message();
    Message message = ConversationStore.appendMessage(h, messageId, c.id(), Message.USER, type, Json.write(payload),
        eventId, now);
    ObjectNode eventContext = context == null ? Json.object() : context.deepCopy();
    eventContext.put("messageId", messageId);
    Event event = new Event(eventId, c.projectId(), null, c.channelId(), c.id(), source, "message", Event.ACCEPTED,
        Json.object().put("type", type).<ObjectNode>set("payload", payload), eventContext, now, null, null, 0, null,
        null, null);
    Queue.accept(h, event, now);
    return new Posted(message, event);
  }

  /**
   * A person's message to the user during a handoff: stored with role {@code operator} and announced as
   * {@code message.created}, so webhooks, channels and streams carry it like a bot message. 409 outside a handoff.
   */
  public Message operatorMessage(String conversationId, String type, ObjectNode payload) {
    long now = clock.millis();
    Message message = committer.submit(h -> {
      Conversation c = ConversationStore.findForUpdate(h, conversationId, db.dialect())
          .orElseThrow(() -> Problem.notFound("conversation " + conversationId));
      if (!Conversation.HANDOFF.equals(c.status())) throw Problem.conflict("an operator speaks only during a handoff");
      Message m = ConversationStore.appendMessage(h, Ids.message(), c.id(), Message.OPERATOR, type, Json.write(payload),
          null, now);
      outbox.messageCreated(h, outbox.parties(h, c), m, now);
      return m;
    });
    notifier.conversationChanged(conversationId);
    notifier.feedChanged(get(conversationId).projectId());
    return message;
  }

  /** Queues the event of a fired timer in its conversation (inside the caller's transaction). */
  public void timerFired(org.jdbi.v3.core.Handle h, org.switchboard.store.TimerStore.Due timer, long now) {
    Conversation c = ConversationStore.find(h, timer.conversationId()).orElse(null);
    if (c == null || Conversation.ENDED.equals(c.status())) return;
    Event event = new Event(Ids.event(), c.projectId(), c.triggerId(), c.channelId(), c.id(), "timer", timer.kind(),
        Event.ACCEPTED, Json.object().put("timerId", timer.id()), Json.object(), now, null, null, 0, null, null, null);
    Queue.accept(h, event, now);
  }

  public void wakeWorkers() { wakeWorkers.run(); }

  /**
   * Moves a conversation to its bot's latest published version, keeping its variables. If the step it waits at
   * no longer exists there, it restarts: the next event runs {@code on.start} again.
   */
  public Conversation reload(String conversationId) {
    return committer.submit(h -> {
      Conversation c = ConversationStore.findForUpdate(h, conversationId, db.dialect())
          .orElseThrow(() -> Problem.notFound("conversation " + conversationId));
      Bot bot = BotStore.find(h, c.botId()).orElseThrow(() -> Problem.conflict("the conversation's bot no longer exists"));
      if (bot.publishedVersion() == null) throw Problem.conflict("bot " + bot.id() + " has no published version");
      var flow = BotStore.version(h, bot.id(), bot.publishedVersion()).orElseThrow().definition();
      ObjectNode state = c.state().isObject() ? (ObjectNode) c.state().deepCopy() : Json.object();
      if (!org.switchboard.runtime.Resume.stillValid(flow, state)) {
        state.remove("waiting");
        state.remove("paused");
        state.put("started", false);
      }
      ConversationStore.reload(h, c.id(), bot.publishedVersion(), Json.write(state));
      return ConversationStore.find(h, c.id()).orElseThrow();
    });
  }

  public Conversation end(String conversationId) {
    return setStatus(conversationId, Conversation.ENDED);
  }

  public Conversation handoff(String conversationId, boolean active) {
    return setStatus(conversationId, active ? Conversation.HANDOFF : Conversation.ACTIVE);
  }

  private Conversation setStatus(String conversationId, String status) {
    long now = clock.millis();
    Conversation changed = committer.submit(h -> {
      Conversation c = ConversationStore.findForUpdate(h, conversationId, db.dialect())
          .orElseThrow(() -> Problem.notFound("conversation " + conversationId));
      if (Conversation.ENDED.equals(c.status()) && !Conversation.ENDED.equals(status)) {
        throw Problem.conflict("conversation " + conversationId + " has ended");
      }
      ConversationStore.setStatus(h, conversationId, status, now);
      Conversation after = ConversationStore.find(h, conversationId).orElseThrow();
      if (Conversation.ENDED.equals(status) && !Conversation.ENDED.equals(c.status())) {
        outbox.conversationEnded(h, outbox.parties(h, after), now);
      }
      return after;
    });
    notifier.feedChanged(changed.projectId());
    return changed;
  }

  /**
   * Runs an event's payload again as a new event, skipping filter and duplicate checks (the operator asked for
   * it). It joins the same conversation unless that one has ended; then a new one starts.
   */
  public Event replay(String eventId) {
    Event original = db.read(h -> EventStore.find(h, eventId)).orElseThrow(() -> Problem.notFound("event " + eventId));
    long now = clock.millis();
    String newId = Ids.event();
    Event replayed = committer.submit(h -> {
      String conversationId = original.conversationId();
      Conversation c = conversationId == null ? null : ConversationStore.find(h, conversationId).orElse(null);
      if (c == null || Conversation.ENDED.equals(c.status())) {
        c = startLike(h, original, c, now);
      }
      Event event = new Event(newId, original.projectId(), original.triggerId(), original.channelId(), c.id(),
          original.source(), original.type(), Event.ACCEPTED, original.payload(), original.context(), now, null, null,
          0, null, null, null);
      Queue.accept(h, event, now);
      return event;
    });
    wakeWorkers.run();
    notifier.feedChanged(replayed.projectId());
    return replayed;
  }

  private Conversation startLike(org.jdbi.v3.core.Handle h, Event original, Conversation previous, long now) {
    String botId = previous != null ? previous.botId() : triggerBot(h, original);
    Bot bot = published(BotStore.find(h, botId).orElseThrow(() -> Problem.conflict("the event's bot no longer exists")));
    return open(h, outbox, new Conversation(Ids.conversation(), original.projectId(), botId, bot.publishedVersion(),
        previous == null ? null : previous.contactId(), original.triggerId(), original.channelId(),
        previous == null ? null : previous.externalId(), Conversation.ACTIVE, Json.object(), Json.object(), now, now), now);
  }

  private static String triggerBot(org.jdbi.v3.core.Handle h, Event original) {
    if (original.triggerId() == null) throw Problem.conflict("the event has no conversation to replay into");
    return org.switchboard.store.TriggerStore.find(h, original.triggerId())
        .orElseThrow(() -> Problem.conflict("the event's trigger no longer exists")).botId();
  }
}
