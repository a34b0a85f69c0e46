package org.switchboard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.delivery.DeliveryTestBase;
import org.switchboard.model.Notification;
import org.switchboard.store.Database;
import org.switchboard.store.OutboxStore;
import org.switchboard.support.TestApp;

/**
 * With a log retention set, a pass removes what is older and nothing that is newer or still needed: a conversation
 * idle past the cutoff goes with its messages and events, one active since or with a timer stays; so for dropped
 * events, finished deliveries, orphaned sessions and idempotency keys, and feed pages up to the first one a pending
 * delivery needs. Without a retention nothing of the log goes. Driven with an explicit time eight days ahead and a
 * retention of seven.
 */
class LogRetentionTest extends DeliveryTestBase {
  private static final long DAY = 86_400_000;

  private static Database db() { return app.app.core().db(); }

  private static List<String> column(String sql, Object... args) {
    return db().read(h -> {
      var query = h.createQuery(sql);
      for (int i = 0; i < args.length; i++) query.bind(i, args[i]);
      return query.mapTo(String.class).list();
    });
  }

  private static void execute(String sql, Object... args) {
    db().write(h -> h.execute(sql, args));
  }

  private JsonNode fireOwn(JsonNode trigger, Map<String, Object> body, String query, Map<String, String> headers) {
    var r = app.client(trigger.get("secret").asText()).send("POST", "/v1/triggers/" + trigger.get("id").asText()
        + "/events" + (query == null ? "" : query), body, headers);
    assertThat(r.status() / 100).as(r.toString()).isEqualTo(2);
    return r.json();
  }

  @Test
  void aPassRemovesTheLogPastTheRetentionAndKeepsWhatIsNewerOrStillNeeded() throws Exception {
    JsonNode sub = subscribe(Map.of());
    String subId = sub.get("id").asText();
    JsonNode filtered = app.trigger(project, bot, Map.of("filter", "body.n > 100"));
    JsonNode sessions = app.trigger(project, bot, Map.of("sessionDurationSeconds", 3600, "waitForResponse", true));
    JsonNode keyed = app.trigger(project, bot, Map.of("waitForResponse", true));

    JsonNode oldAnswer = fire(Map.of("n", 1), null);
    String old = oldAnswer.get("conversationId").asText();
    var refused = app.client(filtered.get("secret").asText()).post("/v1/triggers/" + filtered.get("id").asText() + "/events",
        Map.of("n", 1));
    assertThat(refused.status()).isEqualTo(400);
    String dropped = refused.json().get("eventId").asText();
    String sessionConversation = fireOwn(sessions, Map.of("n", 2), "?session=s1", Map.of()).get("conversationId").asText();
    JsonNode keyedAnswer = fireOwn(keyed, Map.of("n", 3), null, Map.of("Idempotency-Key", "k1"));
    String waiting = fire(Map.of("n", 4), null).get("conversationId").asText();
    String active = fire(Map.of("n", 5), null).get("conversationId").asText();
    TestApp.eventually(10_000, () -> column("SELECT id FROM deliveries WHERE subscription_id = ? AND status = 'succeeded'",
        subId).size() == 5, "five deliveries sent");
    assertThat(column("SELECT status FROM events WHERE id = ?", dropped)).containsExactly("dropped");

    long later = System.currentTimeMillis() + 8 * DAY;
    // Still active: its last activity an hour before the pass. Waiting: a timer due after it.
    execute("UPDATE conversations SET last_activity_at = ? WHERE id = ?", later - 3_600_000, active);
    execute("INSERT INTO timers (id, conversation_id, kind, due_at) VALUES ('tmr_retention', ?, 'wait', ?)", waiting,
        later + DAY);
    // The waiting conversation's delivery is pending again, due after the pass: its feed page and later ones stay.
    String pendingDelivery = column("SELECT id FROM deliveries WHERE conversation_id = ?", waiting).getFirst();
    execute("UPDATE deliveries SET status = 'pending', next_attempt_at = ?, completed_at = NULL WHERE id = ?", later + DAY,
        pendingDelivery);
    long pendingSeq = Long.parseLong(column("SELECT seq FROM deliveries WHERE id = ?", pendingDelivery).getFirst());
    // A channel's message ids are kept 30 days: inside that window, one whose event the pass removes goes with it.
    String activeEvent = column("SELECT id FROM events WHERE conversation_id = ?", active).getFirst();
    execute("INSERT INTO idempotency_keys (scope, idem_key, event_id, created_at) VALUES ('channel:chn_r', 'm1', ?, ?)",
        oldAnswer.get("eventId").asText(), later - DAY);
    execute("INSERT INTO idempotency_keys (scope, idem_key, event_id, created_at) VALUES ('channel:chn_r', 'm2', ?, ?)",
        activeEvent, later - DAY);

    // Finished an hour before the pass, so kept, though its notification's page goes: sent again by hand, it fails.
    String recentDelivery = column("SELECT id FROM deliveries WHERE conversation_id = ?", old).getFirst();
    execute("UPDATE deliveries SET completed_at = ? WHERE id = ?", later - 3_600_000, recentDelivery);

    Housekeeping keepingAll = new Housekeeping(db(), Clock.systemUTC(), app.app.core().metrics(), Duration.ZERO);
    // Without a retention the log stays (the trigger's idempotency key goes: its 24 hours have passed).
    assertThat(keepingAll.runOnce(later)).as("without a retention the log stays")
        .doesNotContainKeys("conversations", "messages", "events", "deliveries", "sessions", "feed_pages");
    Housekeeping housekeeping = new Housekeeping(db(), Clock.systemUTC(), app.app.core().metrics(), Duration.ofDays(7));
    Map<String, Integer> removed = housekeeping.runOnce(later);

    assertThat(removed).containsEntry("conversations", 3).containsEntry("deliveries", 3).containsEntry("sessions", 1)
        .containsEntry("idempotency_keys", 1).containsKeys("messages", "events", "feed_pages");
    assertThat(column("SELECT id FROM conversations WHERE id IN (?, ?, ?, ?, ?)", old, sessionConversation,
        keyedAnswer.get("conversationId").asText(), waiting, active)).containsExactlyInAnyOrder(waiting, active);
    assertThat(column("SELECT id FROM messages WHERE conversation_id = ?", old)).isEmpty();
    assertThat(column("SELECT id FROM messages WHERE conversation_id = ?", active)).isNotEmpty();
    assertThat(column("SELECT id FROM events WHERE conversation_id = ? OR id = ?", old, dropped)).isEmpty();
    assertThat(column("SELECT id FROM events WHERE conversation_id IN (?, ?)", waiting, active)).hasSize(2);
    assertThat(column("SELECT id FROM deliveries WHERE subscription_id = ?", subId))
        .containsExactlyInAnyOrder(pendingDelivery, recentDelivery);
    assertThat(column("SELECT delivery_id FROM delivery_attempts WHERE delivery_id NOT IN (?, ?)", pendingDelivery,
        recentDelivery)).isEmpty();
    assertThat(column("SELECT session_key FROM sessions WHERE scope_id = ?", sessions.get("id").asText())).isEmpty();
    assertThat(column("SELECT idem_key FROM idempotency_keys WHERE scope = ?", "trigger:" + keyed.get("id").asText())).isEmpty();
    assertThat(column("SELECT idem_key FROM idempotency_keys WHERE scope = 'channel:chn_r'")).containsExactly("m2");
    // The feed now starts at the page that holds the pending delivery's notification, and reads as before from there.
    List<String> firstSeqs = column("SELECT first_seq FROM feed_pages WHERE project_id = ? ORDER BY first_seq", project);
    assertThat(firstSeqs).isNotEmpty();
    assertThat(Long.parseLong(firstSeqs.getFirst())).isLessThanOrEqualTo(pendingSeq);
    List<Notification> feed = db().read(h -> OutboxStore.feedAfter(h, project, 0, 100));
    assertThat(feed).extracting(Notification::seq).contains(pendingSeq);
    assertThat(feed.getFirst().seq()).isGreaterThan(1);

    assertThat(housekeeping.runOnce(later)).isEmpty();

    assertThat(app.admin.post("/v1/deliveries/" + recentDelivery + "/retry", Map.of()).status()).isEqualTo(202);
    TestApp.eventually(10_000, () -> app.admin.get("/v1/deliveries/" + recentDelivery).json().get("status").asText()
        .equals("failed"), "the retried delivery settled");
    assertThat(app.admin.get("/v1/deliveries/" + recentDelivery).json().toString()).contains("no longer stored");

    assertThat(app.admin.get("/v1/conversations/" + old).status()).isEqualTo(404);
    assertThat(app.admin.get("/v1/conversations/" + active).status()).isEqualTo(200);

    // What comes next starts afresh: the session's key and the idempotency key name nothing any more.
    assertThat(fireOwn(sessions, Map.of("n", 6), "?session=s1", Map.of()).get("conversationId").asText())
        .isNotEqualTo(sessionConversation);
    assertThat(fireOwn(keyed, Map.of("n", 7), null, Map.of("Idempotency-Key", "k1")).get("eventId").asText())
        .isNotEqualTo(keyedAnswer.get("eventId").asText());
  }
}
