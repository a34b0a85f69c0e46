package org.switchboard.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
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
  /**
   * Results finished on this node that a caller here waits for: handed over in memory, not read back. Its upkeep
   * runs in the calling thread: a put and a remove per waiting call would otherwise wake a common-pool thread each
   * (3% of the server's CPU in the sync trigger's profile, most of it those threads parking again).
   */
  private final Cache<String, Finished> finishedHere = Caffeine.newBuilder().maximumSize(4_096)
      .expireAfterWrite(Duration.ofMinutes(1)).executor(Runnable::run).build();

  public Replies(Database db, Notifier notifier) {
    this.db = db;
    this.notifier = notifier;
  }

  /** The finished event with its bot messages, or empty when it is still running after the timeout. */
  public Optional<Finished> await(String eventId, long timeoutMillis) {
    return await(eventId, timeoutMillis, false);
  }

  /**
   * As {@link #await(String, long)}; {@code runsHere} when the event was handed to this node's worker for a caller
   * who waits ({@link #finished(Finished, boolean)} with {@code expected}), so its result arrives in memory and
   * the database is read only after a quiet {@link #RECHECK_MS} (a lease taken over by another node).
   */
  public Optional<Finished> await(String eventId, long timeoutMillis, boolean runsHere) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    try (Notifier.Ticket ticket = notifier.ticket(Notifier.eventKey(eventId))) {
      boolean read = !runsHere;
      while (true) {
        Finished here = finishedHere.asMap().remove(eventId);
        if (here != null) return Optional.of(here);
        if (read) {
          Optional<Finished> done = finished(eventId);
          if (done.isPresent()) return done;
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) return Optional.empty();
        read = !ticket.await(Math.min(left, RECHECK_MS)) || !runsHere;
      }
    }
  }

  /**
   * An event finished on this node, after its commit and before its signal: kept for a caller who waits for it
   * ({@code expected}: its trigger waits for the response), or who already waits.
   */
  public void finished(Finished done, boolean expected) {
    if (expected || notifier.watched(Notifier.eventKey(done.event().id()))) finishedHere.put(done.event().id(), done);
  }

  public Optional<Finished> finished(String eventId) {
    return db.read(h -> EventStore.find(h, eventId).filter(Event::finished)
        .map(e -> new Finished(e, e.conversationId() == null ? List.of()
            : ConversationStore.messagesOfEvent(h, e.conversationId(), eventId))));
  }
}
