package org.switchboard.intake;

import org.jdbi.v3.core.Handle;
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

  static Conversation resolve(Handle h, Database.Dialect dialect, Trigger trigger, String sessionKey,
                              String contactId, int botVersion, long now) {
    if (sessionKey == null) return start(h, trigger, contactId, botVersion, now);
    for (int attempt = 0; attempt < 2; attempt++) {
      var current = ConversationStore.sessionConversation(h, trigger.id(), sessionKey, dialect);
      if (current.isPresent()) {
        var conversation = ConversationStore.find(h, current.get());
        long openSince = now - trigger.sessionDurationSeconds() * 1000;
        if (conversation.isPresent() && !Conversation.ENDED.equals(conversation.get().status())
            && conversation.get().lastActivityAt() >= openSince) {
          return conversation.get();
        }
        Conversation fresh = start(h, trigger, contactId, botVersion, now);
        ConversationStore.moveSession(h, trigger.id(), sessionKey, fresh.id());
        return fresh;
      }
      Conversation fresh = start(h, trigger, contactId, botVersion, now);
      if (ConversationStore.claimSession(h, trigger.id(), sessionKey, fresh.id())) return fresh;
      // Another node claimed the key between our read and insert: join its conversation instead.
      ConversationStore.delete(h, fresh.id());
    }
    throw new IllegalStateException("session key " + sessionKey + " keeps changing");
  }

  static Conversation start(Handle h, Trigger trigger, String contactId, int botVersion, long now) {
    Conversation c = new Conversation(Ids.conversation(), trigger.projectId(), trigger.botId(), botVersion, contactId,
        trigger.id(), null, Conversation.ACTIVE, Json.object(), Json.object(), now, now);
    ConversationStore.insert(h, c);
    return c;
  }
}
