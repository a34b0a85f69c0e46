package org.switchboard.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
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

/**
 * Events addressed to a contact and a bot rather than to a conversation or a trigger endpoint (AEI's Event API):
 * they join the contact's open conversation with the bot, or start one.
 */
public final class ContactConversations {
  private final IntakeWiring w;
  private final ConversationIntake conversations;

  public ContactConversations(IntakeWiring w, ConversationIntake conversations) {
    this.w = w;
    this.conversations = conversations;
  }



  /**
   * Queues a trigger event with the key {@code triggerKey} (the flow's {@code on.trigger.<key>}). Without a bot, the
   * bot is the one the contact talked to most recently whose published flow has that entry point; none is a 404.
   */
  public Event trigger(String projectId, String botId, String contactExternalId, String triggerKey, String source) {
    long now = w.clock().millis();
    Event event = w.committer().submit(h -> {
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
    w.wakeWorkers().run();
    w.notifier().feedChanged(projectId);
    return event;
  }

  /** Stores a user message in the contact's open conversation with the bot and queues its event. */
  public ConversationIntake.Posted message(String projectId, String botId, String contactExternalId, String type,
                                           ObjectNode payload, String source, ObjectNode context) {
    long now = w.clock().millis();
    var posted = w.committer().submit(h -> {
      String contactId = Contacts.resolve(h, projectId, new ContactInput(null, null, null, contactExternalId), now);
      Conversation c = openConversation(h, bot(h, projectId, botId), contactId, now);
      return ConversationIntake.append(h, c, Ids.event(), type, payload, source, context, now);
    });
    w.wakeWorkers().run();
    w.notifier().feedChanged(projectId);
    return posted;
  }

  /** Moves the open conversations of a bot (one contact's, or everyone's for null) to its latest published version. */
  public int reload(String projectId, String botId, String contactExternalId) {
    List<String> ids = w.db().read(h -> {
      bot(h, projectId, botId);
      if (contactExternalId == null) return ConversationStore.openOfBot(h, botId, null);
      Optional<Contact> contact = ContactStore.findByExternalId(h, projectId, contactExternalId);
      return contact.map(c -> ConversationStore.openOfBot(h, botId, c.id())).orElse(List.of());
    });
    ids.forEach(conversations::reload);
    return ids.size();
  }

  private static Bot bot(Handle h, String projectId, String botId) {
    return ConversationIntake.published(BotStore.find(h, botId).filter(b -> b.projectId().equals(projectId))
        .orElseThrow(() -> Problem.notFound("bot " + botId)));
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
    return ConversationIntake.open(h, w.outbox(), new Conversation(Ids.conversation(), bot.projectId(), bot.id(),
        bot.publishedVersion(), contactId, null, null, null, Conversation.ACTIVE, Json.object(), Json.object(), now, now), now);
  }
}
