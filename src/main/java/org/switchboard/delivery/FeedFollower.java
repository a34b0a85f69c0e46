package org.switchboard.delivery;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;
import org.switchboard.model.Notification;
import org.switchboard.store.Database;
import org.switchboard.store.OutboxStore;

/**
 * Follows a project's feed for a live stream (SSE or WebSocket). It reads the feed after the last seq it passed
 * on, so a stream resumed from a seq has no gap and no repeat, and work committed on another node shows up too.
 */
public final class FeedFollower {
  private static final int BATCH = 200;
  private static final long IDLE_MS = 15_000;

  public interface Sink {
    void send(Notification n) throws IOException;

    /** Nothing new for a while: a keep-alive, which also finds out that a client went away. */
    void idle() throws IOException;
  }

  private final Database db;
  private final Notifier notifier;

  public FeedFollower(Database db, Notifier notifier) {
    this.db = db;
    this.notifier = notifier;
  }

  /** The seq of the project's newest notification (0 for none): where a stream that wants only new ones starts. */
  public long head(String projectId) {
    return db.read(h -> h.createQuery("SELECT feed_seq FROM projects WHERE id = :p").bind("p", projectId)
        .mapTo(Long.class).findOne().orElse(0L));
  }

  /** Runs until the thread is interrupted or the sink fails. */
  public void follow(String projectId, long afterSeq, Predicate<Notification> filter, Sink sink) throws IOException {
    long last = afterSeq;
    try (Notifier.Ticket ticket = notifier.ticket(Notifier.feedKey(projectId))) {
      while (!Thread.currentThread().isInterrupted()) {
        long from = last;
        List<Notification> batch = db.read(h -> OutboxStore.feedAfter(h, projectId, from, BATCH));
        for (Notification n : batch) {
          if (filter.test(n)) sink.send(n);
          last = n.seq();
        }
        if (batch.size() == BATCH) continue;
        if (!ticket.await(IDLE_MS)) sink.idle();
      }
    }
  }
}
