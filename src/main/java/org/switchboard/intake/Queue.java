package org.switchboard.intake;

import org.jdbi.v3.core.Handle;
import org.switchboard.model.Event;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.EventStore;
import org.switchboard.store.QueueStore;

/** Stores an accepted event and its queue entry at the conversation's next position. */
final class Queue {
  private Queue() {}

  static void accept(Handle h, Event event, long now) {
    long position = ConversationStore.nextEventPosition(h, event.conversationId(), now);
    EventStore.insert(h, event, null);
    QueueStore.enqueue(h, event.id(), event.conversationId(), position, now);
  }

  /** As {@link #acceptFirst}, the event stored as processing and leased to {@code owner} (see {@link Handoff}). */
  static Event acceptFirstLeased(Handle h, Event accepted, long now, String owner, long leaseUntil) {
    Event leased = accepted.progressed(Event.PROCESSING, now, null, 1, null);
    EventStore.insert(h, leased, null);
    QueueStore.enqueueLeased(h, leased.id(), leased.conversationId(), 1, now, owner, leaseUntil);
    return leased;
  }

  /** The first event of a conversation started in this transaction with its first position reserved. */
  static void acceptFirst(Handle h, Event event, long now) {
    EventStore.insert(h, event, null);
    QueueStore.enqueue(h, event.id(), event.conversationId(), 1, now);
  }
}
