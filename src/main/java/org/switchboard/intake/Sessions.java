package org.switchboard.intake;

import java.util.function.Function;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.switchboard.delivery.Outbox;
import org.switchboard.model.Conversation;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Trigger;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.Database;

/**
 * Sessions: a key within a scope names one open conversation. A trigger's session key joins its conversation while
 * that is open and its last activity is within the trigger's session duration; a channel's caller-given conversation
 * id joins it until it ends. Otherwise a new conversation starts and the key moves to it.
 */
final class Sessions {
  private Sessions() {}

  /** The conversation an event goes to; {@code started} when it was opened for this event (position 1 reserved). */
  record Resolved(Conversation conversation, boolean started) {}

  static Resolved resolve(Handle h, Database.Dialect dialect, Outbox outbox, Trigger trigger, String sessionKey,
                          String contactId, int botVersion, long now) {
    if (sessionKey == null) return new Resolved(start(h, outbox, trigger, contactId, botVersion, now, Ids.conversation()), true);
    long openSince = now - trigger.sessionDurationSeconds() * 1000;
    boolean[] started = {false};
    Conversation c = join(h, dialect, trigger.id(), sessionKey,
        open -> !Conversation.ENDED.equals(open.status()) && open.lastActivityAt() >= openSince,
        id -> {
          started[0] = true;
          return start(h, outbox, trigger, contactId, botVersion, now, id);
        });
    return new Resolved(c, started[0]);
  }

  /** The conversation {@code key} names in {@code scopeId} while {@code stillOpen} holds, else a new one. */
  static Conversation join(Handle h, Database.Dialect dialect, String scopeId, String key,
                           Predicate<Conversation> stillOpen, Function<String, Conversation> startWithId) {
    for (int attempt = 0; attempt < 2; attempt++) {
      var current = ConversationStore.sessionConversation(h, scopeId, key, dialect);
      if (current.isPresent()) {
        var open = ConversationStore.find(h, current.get()).filter(stillOpen);
        if (open.isPresent()) return open.get();
        Conversation fresh = startWithId.apply(Ids.conversation());
        ConversationStore.moveSession(h, scopeId, key, fresh.id());
        return fresh;
      }
      // Claim the key first; if another node claimed it since our read, the next round joins its conversation.
      String id = Ids.conversation();
      if (ConversationStore.claimSession(h, scopeId, key, id)) return startWithId.apply(id);
    }
    throw new IllegalStateException("session key " + key + " keeps changing");
  }

  /** A new conversation of the trigger, its first event position reserved for the event that starts it. */
  static Conversation start(Handle h, Outbox outbox, Trigger trigger, String contactId, int botVersion, long now) {
    return start(h, outbox, trigger, contactId, botVersion, now, Ids.conversation());
  }

  /** A new conversation of the trigger, not stored yet. */
  static Conversation fresh(Trigger trigger, String contactId, int botVersion, long now) {
    return fresh(trigger, contactId, botVersion, now, Ids.conversation());
  }

  private static Conversation start(Handle h, Outbox outbox, Trigger trigger, String contactId, int botVersion, long now,
                                    String id) {
    return ConversationIntake.open(h, outbox, fresh(trigger, contactId, botVersion, now, id), now, 1);
  }

  private static Conversation fresh(Trigger trigger, String contactId, int botVersion, long now, String id) {
    return new Conversation(id, trigger.projectId(), trigger.botId(), botVersion, contactId, trigger.id(), null, null,
        Conversation.ACTIVE, Json.object(), Json.object(), now, now);
  }
}
