package org.switchboard.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.switchboard.model.Bot;
import org.switchboard.model.Channel;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.store.BotStore;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.EventStore;

/**
 * User messages that arrive through a channel. The caller's ids name the contact (its externalId) and the
 * conversation (a new one starts when the named one has ended); a message id seen before on the channel is answered
 * with the first outcome and not processed again.
 */
public final class ChannelIntake {
  /** Switchboard's ids for a received message; {@code repeated} when its message id was seen before. */
  public record Received(String messageId, String contactId, String conversationId, String eventId, boolean repeated) {}

  private final IntakeWiring w;

  public ChannelIntake(IntakeWiring w) { this.w = w; }



  public Received receive(Channel channel, String conversationExternalId, String userExternalId, String messageId,
                          String type, ObjectNode payload, String source) {
    long now = w.clock().millis();
    String eventId = Ids.event();
    Received received = w.committer().submit(h -> {
      var earlier = IdempotencyScope.CHANNEL.claim(h, channel.id(), messageId, eventId, now);
      Optional<Event> first = earlier.flatMap(id -> EventStore.find(h, id));
      if (first.isPresent()) return repeat(h, first.get());
      // A log retention shorter than the window may have removed the first event: nothing is left to answer with.
      if (earlier.isPresent()) IdempotencyScope.CHANNEL.reclaim(h, channel.id(), messageId, eventId, now);
      String contactId = Contacts.resolve(h, channel.projectId(), new ContactInput(null, null, null, userExternalId), now);
      Conversation c = conversation(h, channel, conversationExternalId, contactId, now);
      var posted = ConversationIntake.append(h, c, eventId, type, payload, source, Json.object(), now);
      return new Received(posted.message().id(), c.contactId(), c.id(), eventId, false);
    });
    if (!received.repeated()) {
      w.wakeWorkers().run();
      w.notifier().feedChanged(channel.projectId());
    }
    return received;
  }

  private static Received repeat(Handle h, Event e) {
    String contactId = ConversationStore.find(h, e.conversationId()).map(Conversation::contactId).orElse(null);
    return new Received(e.context().path("messageId").asText(null), contactId, e.conversationId(), e.id(), true);
  }

  /** The conversation the caller's id names on the channel until it ends, as a session of the channel. */
  private Conversation conversation(Handle h, Channel channel, String externalId, String contactId, long now) {
    return Sessions.join(h, w.db().dialect(), channel.id(), externalId, c -> !Conversation.ENDED.equals(c.status()),
        id -> start(h, channel, externalId, contactId, id, now));
  }

  private Conversation start(Handle h, Channel channel, String externalId, String contactId, String id, long now) {
    Bot bot = ConversationIntake.published(BotStore.find(h, channel.botId())
        .orElseThrow(() -> Problem.conflict("the channel's bot no longer exists")));
    return ConversationIntake.open(h, w.outbox(), new Conversation(id, channel.projectId(), bot.id(),
        bot.publishedVersion(), contactId, null, channel.id(), externalId, Conversation.ACTIVE, Json.object(),
        Json.object(), now, now), now);
  }
}
