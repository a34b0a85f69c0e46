package org.switchboard.intake;

import org.jdbi.v3.core.Handle;
import org.switchboard.delivery.Outbox;
import org.switchboard.model.Conversation;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Trigger;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.Database;

/**
 * Sessions: an event with a session key joins that key's conversation while it is open and its last activity is
 * within the trigger's session duration; otherwise a new conversation starts and the key moves to it.
 */
final class Sessions {
  private Sessions() {}

  static Conversation resolve(Handle h, Database.Dialect dialect, Outbox outbox, Trigger trigger, String sessionKey,
                              String contactId, int botVersion, long now) {
    if (sessionKey == null) return start(h, outbox, trigger, contactId, botVersion, now);
    for (int attempt = 0; attempt < 2; attempt++) {
      var current = ConversationStore.sessionConversation(h, trigger.id(), sessionKey, dialect);
      if (current.isPresent()) {
        var conversation = ConversationStore.find(h, current.get());
        long openSince = now - trigger.sessionDurationSeconds() * 1000;
        if (conversation.isPresent() && !Conversation.ENDED.equals(conversation.get().status())
            && conversation.get().lastActivityAt() >= openSince) {
          return conversation.get();
        }
        Conversation fresh = start(h, outbox, trigger, contactId, botVersion, now);
        ConversationStore.moveSession(h, trigger.id(), sessionKey, fresh.id());
        return fresh;
      }
      // Claim the key first; if another node claimed it since our read, the next round joins its conversation.
      String id = Ids.conversation();
      if (ConversationStore.claimSession(h, trigger.id(), sessionKey, id)) {
        return start(h, outbox, trigger, contactId, botVersion, now, id);
      }
    }
    throw new IllegalStateException("session key " + sessionKey + " keeps changing");
  }

  static Conversation start(Handle h, Outbox outbox, Trigger trigger, String contactId, int botVersion, long now) {
    return start(h, outbox, trigger, contactId, botVersion, now, Ids.conversation());
  }

  private static Conversation start(Handle h, Outbox outbox, Trigger trigger, String contactId, int botVersion, long now,
                                    String id) {
    Conversation c = new Conversation(id, trigger.projectId(), trigger.botId(), botVersion, contactId,
        trigger.id(), null, null, Conversation.ACTIVE, Json.object(), Json.object(), now, now);
    ConversationStore.insert(h, c);
    outbox.conversationStarted(h, Outbox.Parties.load(h, c), now);
    return c;
  }
}
