package org.switchboard.schedule;

import java.util.ArrayList;
import java.util.List;
import org.switchboard.store.Database;
import org.switchboard.store.LogStore;

/**
 * The log older than the operator's retention (docs/decisions.md): a conversation idle for longer goes with its
 * messages and events, unless work still waits for it; so do events that never had a conversation, deliveries
 * finished for longer (with their attempts), sessions left without their conversation, and feed pages whose every
 * entry is older, unless a pending delivery still has to send one of them.
 */
final class LogRetention {
  static final List<String> TABLES = List.of("conversations", "messages", "events", "deliveries", "sessions",
      "feed_pages");

  /** Feed pages read at a time: each is inflated and parsed to find its newest entry (about 30 KB of JSON). */
  private static final int FEED_PAGES_READ = 64;
  private final Database db;
  private final PacedRemoval removal;
  private final long retentionMs;

  LogRetention(Database db, PacedRemoval removal, long retentionMs) {
    this.db = db;
    this.removal = removal;
    this.retentionMs = retentionMs;
  }

  void runOnce(long now) throws InterruptedException {
    long cutoff = now - retentionMs;
    removal.sweep("conversations", LogStore::conversationsAfter, c -> c.at() < cutoff, (h, idle) -> {
      LogStore.ConversationsRemoved r = LogStore.removeConversations(h, idle);
      removal.count("messages", r.messages());
      removal.count("events", r.events());
      return r.conversations();
    });
    removal.sweep("events", LogStore::eventsWithoutConversationAfter, e -> e.at() < cutoff,
        LogStore::removeEventsWithoutConversation);
    removal.sweep("deliveries", LogStore::finishedDeliveriesAfter, d -> d.at() < cutoff,
        LogStore::removeFinishedDeliveries);
    removal.sweep("sessions", LogStore::orphanedSessionsAfter, s -> true, LogStore::removeOrphanedSessions);
    for (String projectId : db.read(LogStore::projectIds)) feedPages(projectId, cutoff);
  }

  /** The project's oldest pages, up to the first one that is not past the cutoff or that a pending delivery needs. */
  private void feedPages(String projectId, long cutoff) throws InterruptedException {
    long after = -1;
    while (removal.running()) {
      long from = after;
      long neededFrom = db.read(h -> LogStore.lowestPendingSeq(h, projectId));
      List<LogStore.FeedPage> read = db.read(h -> LogStore.feedPagesAfter(h, projectId, from, FEED_PAGES_READ));
      List<LogStore.FeedPage> past = new ArrayList<>();
      for (LogStore.FeedPage page : read) {
        if (page.newestAt() >= cutoff || page.lastSeq() >= neededFrom) break;
        past.add(page);
      }
      removal.remove("feed_pages", past, (h, pages) -> LogStore.removeFeedPages(h, projectId, pages));
      if (past.size() < read.size() || read.size() < FEED_PAGES_READ) return;
      after = read.getLast().firstSeq();
    }
  }
}
