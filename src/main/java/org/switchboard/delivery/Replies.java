package org.switchboard.delivery;

import java.util.List;
import java.util.Optional;
import org.switchboard.model.Event;
import org.switchboard.model.Message;
import org.switchboard.store.ConversationStore;
import org.switchboard.store.Database;
import org.switchboard.store.EventStore;

/** Gets a bot's replies back to a caller who waits for them. */
public final class Replies {
  /** Re-read the database at least this often, for work finished on another node. */
  private static final long RECHECK_MS = 1_000;

  public record Finished(Event event, List<Message> messages) {}

  private final Database db;
  private final Notifier notifier;

  public Replies(Database db, Notifier notifier) {
    this.db = db;
    this.notifier = notifier;
  }

  /** The finished event with its bot messages, or empty when it is still running after the timeout. */
  public Optional<Finished> await(String eventId, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    try (Notifier.Ticket ticket = notifier.ticket(Notifier.eventKey(eventId))) {
      while (true) {
        Optional<Finished> done = finished(eventId);
        if (done.isPresent()) return done;
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) return Optional.empty();
        ticket.await(Math.min(left, RECHECK_MS));
      }
    }
  }

  public Optional<Finished> finished(String eventId) {
    return db.read(h -> EventStore.find(h, eventId).filter(Event::finished)
        .map(e -> new Finished(e, e.conversationId() == null ? List.of()
            : ConversationStore.messagesOfEvent(h, e.conversationId(), eventId))));
  }
}
