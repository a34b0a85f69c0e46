package org.switchboard.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.Delivery;
import org.switchboard.model.DeliveryAttempt;
import org.switchboard.model.Event;
import org.switchboard.model.Json;
import org.switchboard.model.Message;
import org.switchboard.model.Notification;
import org.switchboard.model.Views;

/** The transactional outbox: the project feed of notifications, their deliveries, and every attempt. */
public final class OutboxStore {
  static final RowMapper<Delivery> DELIVERY = (rs, ctx) -> new Delivery(rs.getString("id"), rs.getString("subscription_id"),
      rs.getString("notification_id"), rs.getString("project_id"), rs.getString("conversation_id"), rs.getLong("seq"),
      Rows.flag(rs, "ordered"), rs.getString("status"), rs.getInt("attempts"), rs.getInt("consecutive_failures"),
      rs.getLong("next_attempt_at"), Rows.nullableInt(rs, "last_status"), rs.getString("last_error"),
      rs.getLong("created_at"), Rows.nullableLong(rs, "completed_at"));

  private OutboxStore() {}

  /** Reserves the next {@code count} positions of a project's feed; returns the last one. */
  public static long advanceFeed(Handle h, String projectId, int count) {
    return Sql.returningLong(h, "UPDATE projects SET feed_seq = feed_seq + ? WHERE id = ? RETURNING feed_seq", count,
        projectId);
  }

  /**
   * A numbered notification to store: its data as JSON text, without the finished event ({@code eventId}) or the
   * message ({@code messageId}) it is about, which are read back from their own rows.
   */
  public record NewNotification(Notification notification, String dataJson, String eventId, String messageId) {}

  /** Numbered notifications, stored as pages of consecutive ones ({@link FeedPages}). */
  public static void insertNotifications(Handle h, List<NewNotification> notifications) {
    List<Object[]> rows = new ArrayList<>();
    for (FeedPages.Page page : FeedPages.pages(notifications)) {
      rows.add(new Object[] {page.projectId(), page.firstSeq(), page.lastSeq(), page.packed()});
    }
    Sql.batch(h, FeedPages.INSERT, rows);
  }

  /** The notifications with their data whole: the event or message each names goes first, as it was published. */
  private static List<Notification> complete(Handle h, List<FeedPages.Entry> stored) {
    List<String> eventIds = stored.stream().map(FeedPages.Entry::eventId).filter(Objects::nonNull).toList();
    List<String> messageIds = stored.stream().map(FeedPages.Entry::messageId).filter(Objects::nonNull).toList();
    Map<String, Event> events = EventStore.byIds(h, eventIds);
    Map<String, Message> messages = ConversationStore.messagesByIds(h, messageIds);
    List<Notification> out = new ArrayList<>(stored.size());
    for (FeedPages.Entry s : stored) {
      out.add(whole(s.notification(), s.eventId(), s.eventId() == null ? null : events.get(s.eventId()), s.messageId(),
          s.messageId() == null ? null : messages.get(s.messageId())));
    }
    return out;
  }

  /**
   * A notification as stored (its data without the event or message it names) made whole: the event or message goes
   * first, as it was published. A missing row (events and messages are never deleted) still leaves it readable.
   */
  public static Notification whole(Notification n, String eventId, Event event, String messageId, Message message) {
    if (eventId == null && messageId == null) return n;
    ObjectNode data = Json.object();
    if (eventId != null) data.set("event", event == null ? data.nullNode() : Views.event(event));
    if (messageId != null) data.set("message", message == null ? data.nullNode() : Views.message(message));
    if (n.data() instanceof ObjectNode rest) data.setAll(rest);
    return new Notification(n.id(), n.projectId(), n.seq(), n.topic(), n.conversationId(), n.botId(),
        n.contactExternalId(), data, n.createdAt());
  }

  /**
   * A delivery to store: due at once, or already leased to {@code leaseOwner} until {@code leaseUntil} with its first
   * attempt counted, as a claim would leave it (a dispatcher that takes it without claiming).
   */
  public record NewDelivery(String id, String subscriptionId, Notification notification, boolean ordered,
                            String leaseOwner, long leaseUntil) {
    public Delivery asStored() {
      Notification n = notification;
      boolean leased = leaseOwner != null;
      return new Delivery(id, subscriptionId, n.id(), n.projectId(), n.conversationId(), n.seq(), ordered,
          Delivery.PENDING, leased ? 1 : 0, 0, leased ? leaseUntil : n.createdAt(), null, null, n.createdAt(), null);
    }
  }

  public static void insertDeliveries(Handle h, List<NewDelivery> deliveries) {
    List<Object[]> rows = new ArrayList<>(deliveries.size());
    for (NewDelivery d : deliveries) {
      Notification n = d.notification();
      Delivery stored = d.asStored();
      rows.add(new Object[] {d.id(), d.subscriptionId(), n.id(), n.projectId(), n.conversationId(), n.seq(),
          Rows.flag(d.ordered()), stored.attempts(), stored.nextAttemptAt(), d.leaseOwner(),
          d.leaseOwner() == null ? null : d.leaseUntil(), n.createdAt()});
    }
    Sql.batch(h, "INSERT INTO deliveries (id, subscription_id, notification_id, project_id, conversation_id, seq, "
        + "ordered, status, attempts, consecutive_failures, next_attempt_at, lease_owner, lease_until, created_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?, ?, ?)", rows);
  }

  /** A row of {@code feed_pages} (its first seq and entries) as the entries it holds. */
  private static RowMapper<List<FeedPages.Entry>> page(String projectId) {
    return (rs, ctx) -> FeedPages.entries(projectId, rs.getLong("first_seq"), rs.getBytes("entries"));
  }

  /** A project's notifications after {@code afterSeq}, oldest first, at most {@code limit}. */
  public static List<Notification> feedAfter(Handle h, String projectId, long afterSeq, int limit) {
    List<FeedPages.Entry> found = new ArrayList<>();
    long from = afterSeq + 1;
    while (found.size() < limit) {
      // The page that holds {@code from}, then the ones after it, a few at a time.
      List<FeedPages.Entry> read = h.createQuery("SELECT first_seq, entries FROM feed_pages WHERE project_id = :p "
              + "AND first_seq >= COALESCE((SELECT MAX(first_seq) FROM feed_pages WHERE project_id = :p AND first_seq <= :from), 0) "
              + "ORDER BY first_seq LIMIT 4")
          .bind("p", projectId).bind("from", from)
          .map(page(projectId))
          .list().stream().flatMap(List::stream).toList();
      if (read.isEmpty()) break;
      for (FeedPages.Entry e : read) {
        if (e.notification().seq() >= from && found.size() < limit) found.add(e);
      }
      long last = read.getLast().notification().seq();
      if (last < from) break;
      from = last + 1;
    }
    return complete(h, found);
  }

  /** The notifications the deliveries are of, found by their project and seq. */
  public static List<Notification> notificationsOf(Handle h, Collection<Delivery> deliveries) {
    Map<String, SortedSet<Long>> wanted = new TreeMap<>();
    for (Delivery d : deliveries) wanted.computeIfAbsent(d.projectId(), k -> new TreeSet<>()).add(d.seq());
    List<FeedPages.Entry> found = new ArrayList<>();
    wanted.forEach((projectId, seqs) -> {
      List<FeedPages.Entry> page = List.of();
      for (long seq : seqs) {
        if (page.isEmpty() || seq > page.getLast().notification().seq()) {
          page = h.createQuery("SELECT first_seq, entries FROM feed_pages WHERE project_id = :p AND first_seq <= :s "
                  + "ORDER BY first_seq DESC LIMIT 1")
              .bind("p", projectId).bind("s", seq)
              .map(page(projectId))
              .findOne().orElse(List.of());
        }
        page.stream().filter(e -> e.notification().seq() == seq).findFirst().ifPresent(found::add);
      }
    });
    return complete(h, found);
  }

  public static Optional<Delivery> delivery(Handle h, String id) {
    return h.createQuery("SELECT * FROM deliveries WHERE id = :id").bind("id", id).map(DELIVERY).findOne();
  }

  public static List<Delivery> deliveries(Handle h, String subscriptionId, String status, String before, int limit) {
    return h.createQuery("SELECT * FROM deliveries WHERE subscription_id = :s AND (:status IS NULL OR status = :status) "
            + "AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
        .bind("s", subscriptionId).bind("status", status).bind("before", before).bind("limit", limit).map(DELIVERY).list();
  }

  /** The deliveries of one conversation's notifications, oldest first (the dashboard's timeline). */
  public static List<Delivery> deliveriesOfConversation(Handle h, String conversationId, int limit) {
    return h.createQuery("SELECT * FROM deliveries WHERE conversation_id = :c ORDER BY created_at, id LIMIT :limit")
        .bind("c", conversationId).bind("limit", limit).map(DELIVERY).list();
  }

  public static List<DeliveryAttempt> attempts(Handle h, String deliveryId) {
    return h.createQuery("SELECT * FROM delivery_attempts WHERE delivery_id = :d ORDER BY attempt")
        .bind("d", deliveryId).map((rs, ctx) -> new DeliveryAttempt(rs.getInt("attempt"), rs.getLong("at"),
            Rows.nullableInt(rs, "status_code"), rs.getString("error"), rs.getLong("duration_ms"), rs.getString("response")))
        .list();
  }

  /** Whether any delivery may be due: a read that spares the writer a claim when there is nothing to send. */
  public static boolean anyDue(Handle h, long now) {
    return h.createQuery("SELECT 1 FROM deliveries WHERE status = 'pending' AND next_attempt_at <= :now LIMIT 1")
        .bind("now", now).mapTo(Integer.class).findOne().isPresent();
  }

  /**
   * Leases due deliveries of active subscriptions. An ordered subscription's delivery waits until every earlier one
   * of its conversation has succeeded.
   */
  public static List<Delivery> claim(Handle h, Database.Dialect dialect, String owner, long now, long leaseUntil, int limit) {
    List<String> ids = h.createQuery("SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id "
            + "WHERE d.status = 'pending' AND d.next_attempt_at <= :now AND (d.lease_until IS NULL OR d.lease_until < :now) "
            + "AND s.status = 'active' AND (d.ordered = 0 OR d.conversation_id IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries p "
            + "WHERE p.ordered = 1 AND p.subscription_id = d.subscription_id AND p.conversation_id = d.conversation_id AND p.seq < d.seq "
            + "AND p.status <> 'succeeded')) ORDER BY d.next_attempt_at, d.seq LIMIT :limit" + dialect.forUpdateSkipLocked("d"))
        .bind("now", now).bind("limit", limit).mapTo(String.class).list();
    if (ids.isEmpty()) return List.of();
    // Due again when the lease runs out (the attempt was lost then): until that, the due index passes over it, so a
    // claim reads only what it can take, not every delivery still being sent.
    return h.createQuery("UPDATE deliveries SET lease_owner = :o, lease_until = :until, next_attempt_at = :until, "
            + "attempts = attempts + 1 WHERE id IN (<ids>) RETURNING *")
        .bind("o", owner).bind("until", leaseUntil).bindList("ids", ids).map(DELIVERY).list();
  }

  /** Stored with the batch's other attempts in one batched insert when the transaction is a group-commit batch. */
  public static void recordAttempt(GroupCommitter committer, Handle h, String deliveryId, DeliveryAttempt a) {
    committer.insertAtBatchEnd(h, "INSERT INTO delivery_attempts (delivery_id, attempt, at, status_code, error, "
        + "duration_ms, response) VALUES (?, ?, ?, ?, ?, ?, ?)", deliveryId, a.attempt(), a.at(), a.statusCode(),
        a.error(), a.durationMs(), a.response());
  }

  /** Settles an attempt if this owner still holds the lease; false when another node took it over. */
  public static boolean settle(Handle h, String deliveryId, String owner, String status, int consecutiveFailures,
                               long nextAttemptAt, Integer lastStatus, String lastError, Long completedAt) {
    return Sql.update(h, "UPDATE deliveries SET status = ?, consecutive_failures = ?, next_attempt_at = ?, "
        + "last_status = ?, last_error = ?, completed_at = ?, lease_owner = NULL, lease_until = NULL "
        + "WHERE id = ? AND lease_owner = ?", status, consecutiveFailures, nextAttemptAt, lastStatus, lastError,
        completedAt, deliveryId, owner) > 0;
  }

  public enum Retry { RETRIED, IN_FLIGHT, NOT_FOUND }

  /**
   * Manual retry: pending again, due now, with a fresh retry schedule. Not while an attempt holds the lease: taking it
   * away would start a second send beside the running one and lose the running one's record.
   */
  public static Retry retry(Handle h, String deliveryId, long now) {
    int changed = h.createUpdate("UPDATE deliveries SET status = 'pending', next_attempt_at = :now, consecutive_failures = 0, "
            + "completed_at = NULL, lease_owner = NULL, lease_until = NULL "
            + "WHERE id = :id AND (lease_until IS NULL OR lease_until < :now)")
        .bind("now", now).bind("id", deliveryId).execute();
    if (changed > 0) return Retry.RETRIED;
    return delivery(h, deliveryId).isPresent() ? Retry.IN_FLIGHT : Retry.NOT_FOUND;
  }

  public static int release(Handle h, String owner, long now) {
    return h.createUpdate("UPDATE deliveries SET lease_owner = NULL, lease_until = NULL, next_attempt_at = :now, "
            + "attempts = attempts - 1 WHERE lease_owner = :o").bind("o", owner).bind("now", now).execute();
  }

  /**
   * Makes every delivery being sent due now, keeping its attempt (it may have reached the receiver). Only for a
   * database no other node can hold: the embedded one. A claim sets a leased delivery due at its lease's end, so the
   * due index finds them.
   */
  public static int expireLeases(Handle h, long now) {
    return h.createUpdate("UPDATE deliveries SET lease_until = :past, next_attempt_at = :now "
        + "WHERE status = 'pending' AND next_attempt_at > :now AND lease_until >= :now")
        .bind("past", now - 1).bind("now", now).execute();
  }

  public static long pending(Handle h) {
    return h.createQuery("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'").mapTo(Long.class).one();
  }
}
