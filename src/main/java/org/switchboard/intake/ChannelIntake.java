package org.switchboard.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import org.jdbi.v3.core.Handle;
import org.switchboard.delivery.Notifier;
import org.switchboard.delivery.Outbox;
import org.switchboard.model.Bot;
import org.switchboard.model.Channel;
import org.switchboard.model.Conversation;
import org.switchboard.model.Event;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.store.BotStore;
import org.switchboard.store.ChannelStore;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.Database;
import org.switchboard.store.EventStore;
import org.switchboard.store.GroupCommitter;

/**
 * User messages that arrive through a channel. The caller's ids name the contact (its externalId) and the
 * conversation (a new one starts when the named one has ended); a message id seen before on the channel is answered
 * with the first outcome and not processed again.
 */
public final class ChannelIntake {
  public static final long MESSAGE_ID_WINDOW_MS = 30L * 24 * 3600 * 1000;

  /** Switchboard's ids for a received message; {@code repeated} when its message id was seen before. */
  public record Received(String messageId, String contactId, String conversationId, String eventId, boolean repeated) {}

  private final Database db;
  private final GroupCommitter committer;
  private final Clock clock;
  private final Runnable wakeWorkers;
  private final Outbox outbox;
  private final Notifier notifier;

  public ChannelIntake(IntakeWiring w) {
    this.db = w.db();
    this.committer = w.committer();
    this.clock = w.clock();
    this.wakeWorkers = w.wakeWorkers();
    this.outbox = w.outbox();
    this.notifier = w.notifier();
  }


  public Received receive(Channel channel, String conversationExternalId, String userExternalId, String messageId,
                          String type, ObjectNode payload, String source) {
    long now = clock.millis();
    String eventId = Ids.event();
    Received received = committer.submit(h -> {
      var earlier = EventStore.idempotencyKey(h, "channel:" + channel.id(), messageId, eventId, now,
          now - MESSAGE_ID_WINDOW_MS);
      if (earlier.isPresent()) return repeat(h, earlier.get());
      String contactId = Contacts.resolve(h, channel.projectId(), new ContactInput(null, null, null, userExternalId), now);
      Conversation c = conversation(h, channel, conversationExternalId, contactId, now);
      var posted = ConversationIntake.append(h, c, eventId, type, payload, source, Json.object(), now);
      return new Received(posted.message().id(), c.contactId(), c.id(), eventId, false);
    });
    if (!received.repeated()) {
      wakeWorkers.run();
      notifier.feedChanged(channel.projectId());
    }
    return received;
  }

  private static Received repeat(Handle h, String eventId) {
    Event e = EventStore.find(h, eventId).orElseThrow();
    String contactId = ConversationStore.find(h, e.conversationId()).map(Conversation::contactId).orElse(null);
    return new Received(e.context().path("messageId").asText(null), contactId, e.conversationId(), e.id(), true);
  }

  private Conversation conversation(Handle h, Channel channel, String externalId, String contactId, long now) {
    for (int attempt = 0; attempt < 2; attempt++) {
      var current = ChannelStore.conversationOf(h, channel.id(), externalId, db.dialect());
      if (current.isPresent()) {
        var open = ConversationStore.findForUpdate(h, current.get(), db.dialect())
            .filter(c -> !Conversation.ENDED.equals(c.status()));
        if (open.isPresent()) return open.get();
        Conversation fresh = start(h, channel, externalId, contactId, Ids.conversation(), now);
        ChannelStore.move(h, channel.id(), externalId, fresh.id());
        return fresh;
      }
      // Claim the caller's id first; if another node claimed it since our read, the next round joins its conversation.
      String id = Ids.conversation();
      if (ChannelStore.claim(h, channel.id(), externalId, id)) return start(h, channel, externalId, contactId, id, now);
    }
    throw new IllegalStateException("conversation " + externalId + " of channel " + channel.id() + " keeps changing");
  }

  private Conversation start(Handle h, Channel channel, String externalId, String contactId, String id, long now) {
    Bot bot = BotStore.find(h, channel.botId()).orElseThrow(() -> Problem.conflict("the channel's bot no longer exists"));
    if (bot.publishedVersion() == null) throw Problem.conflict("bot " + bot.id() + " has no published version; publish it first");
    Conversation c = new Conversation(id, channel.projectId(), bot.id(), bot.publishedVersion(), contactId, null,
        channel.id(), externalId, Conversation.ACTIVE, Json.object(), Json.object(), now, now);
    ConversationStore.insert(h, c);
    outbox.conversationStarted(h, Outbox.Parties.load(h, c), now);
    return c;
  }
}
