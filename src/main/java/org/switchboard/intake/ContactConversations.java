package org.switchboard.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.switchboard.delivery.Notifier;
import org.switchboard.delivery.Outbox;
import org.switchboard.model.Bot;
import org.switchboard.model.Contact;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.store.BotStore;
import org.switchboard.store.ContactStore;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;

/**
 * Events addressed to a contact and a bot rather than to a conversation or a trigger endpoint (AEI's Event API):
 * they join the contact's open conversation with the bot, or start one.
 */
public final class ContactConversations {
  private final Database db;
  private final GroupCommitter committer;
  private final Clock clock;
  private final Runnable wakeWorkers;
  private final Outbox outbox;
  private final Notifier notifier;
  private final ConversationIntake conversations;

  public ContactConversations(IntakeWiring w, ConversationIntake conversations) {
    this.db = w.db();
    this.committer = w.committer();
    this.clock = w.clock();
    this.wakeWorkers = w.wakeWorkers();
    this.outbox = w.outbox();
    this.notifier = w.notifier();
    this.conversations = conversations;
  }


  /**
   * Queues a trigger event with the key {@code triggerKey} (the flow's {@code on.trigger.<key>}). Without a bot, the
   * bot is the one the contact talked to most recently whose published flow has that entry point; none is a 404.
   */
  public Event trigger(String projectId, String botId, String contactExternalId, String triggerKey, String source) {
    long now = clock.millis();
    Event event = committer.submit(h -> {
      String contactId = Contacts.resolve(h, projectId, new ContactInput(null, null, null, contactExternalId), now);
      Bot bot = botId != null ? bot(h, projectId, botId) : botWithTrigger(h, contactId, triggerKey)
          .orElseThrow(() -> Problem.notFound("a bot of user " + contactExternalId + " with the trigger '" + triggerKey + "'"));
      Conversation c = openConversation(h, bot, contactId, now);
      ObjectNode context = Json.object();
      context.putObject("trigger").putNull("id").put("key", triggerKey).put("name", triggerKey);
      Event e = new Event(Ids.event(), projectId, null, null, c.id(), source, "trigger", Event.ACCEPTED, Json.object(),
          context, now, null, null, 0, null, null, null);
      Queue.accept(h, e, now);
      return e;
    });
    wakeWorkers.run();
    notifier.feedChanged(projectId);
    return event;
  }

  /** Stores a user message in the contact's open conversation with the bot and queues its event. */
  public ConversationIntake.Posted message(String projectId, String botId, String contactExternalId, String type,
                                           ObjectNode payload, String source, ObjectNode context) {
    long now = clock.millis();
    var posted = committer.submit(h -> {
      String contactId = Contacts.resolve(h, projectId, new ContactInput(null, null, null, contactExternalId), now);
      Conversation c = openConversation(h, bot(h, projectId, botId), contactId, now);
      return ConversationIntake.append(h, c, Ids.event(), type, payload, source, context, now);
    });
    wakeWorkers.run();
    notifier.feedChanged(projectId);
    return posted;
  }

  /** Moves the open conversations of a bot (one contact's, or everyone's for null) to its latest published version. */
  public int reload(String projectId, String botId, String contactExternalId) {
    List<String> ids = db.read(h -> {
      bot(h, projectId, botId);
      if (contactExternalId == null) return ConversationStore.openOfBot(h, botId, null);
      Optional<Contact> contact = ContactStore.findByExternalId(h, projectId, contactExternalId);
      return contact.map(c -> ConversationStore.openOfBot(h, botId, c.id())).orElse(List.of());
    });
    ids.forEach(conversations::reload);
    return ids.size();
  }

  private static Bot bot(Handle h, String projectId, String botId) {
    Bot bot = BotStore.find(h, botId).filter(b -> b.projectId().equals(projectId))
        .orElseThrow(() -> Problem.notFound("bot " + botId));
    if (bot.publishedVersion() == null) throw Problem.conflict("bot " + botId + " has no published version; publish it first");
    return bot;
  }

  private static Optional<Bot> botWithTrigger(Handle h, String contactId, String triggerKey) {
    for (String id : ConversationStore.botsOf(h, contactId)) {
      Optional<Bot> bot = BotStore.find(h, id).filter(b -> b.publishedVersion() != null);
      if (bot.isEmpty()) continue;
      JsonNode triggers = BotStore.version(h, id, bot.get().publishedVersion()).orElseThrow().definition()
          .path("on").path("trigger");
      for (var names = triggers.fieldNames(); names.hasNext(); ) {
        if (names.next().equalsIgnoreCase(triggerKey)) return bot;
      }
    }
    return Optional.empty();
  }

  private Conversation openConversation(Handle h, Bot bot, String contactId, long now) {
    Optional<Conversation> open = ConversationStore.openWith(h, contactId, bot.id());
    if (open.isPresent()) return open.get();
    Conversation c = new Conversation(Ids.conversation(), bot.projectId(), bot.id(), bot.publishedVersion(), contactId,
        null, null, null, Conversation.ACTIVE, Json.object(), Json.object(), now, now);
    ConversationStore.insert(h, c);
    outbox.conversationStarted(h, Outbox.Parties.load(h, c), now);
    return c;
  }
}
