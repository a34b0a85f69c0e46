package org.switchboard.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.switchboard.store.QueueStore;
import org.switchboard.support.DbKind;
import org.switchboard.support.Http;
import org.switchboard.support.TestApp;

/** The durable pipeline: order per conversation, leases, retries, failures, waiting callers. */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
class PipelineTest {
  private static final String FLOW = """
      on:
        trigger: { "*": main }
      nodes:
        main:
          - if: 'has(event.payload.fail) && event.payload.fail'
            then: [ { http: { url: "http://127.0.0.1:9/refused" } } ]
          - say: "n={{event.payload.n}}"
      """;

  @Parameter
  DbKind kind;
  private TestApp app;

  private TestApp start(boolean worker) {
    app = TestApp.start(kind, Map.of(), worker);
    return app;
  }

  @AfterEach
  void stop() {
    if (app != null) app.close();
  }

  private record Setup(String project, JsonNode trigger, Http caller, String events) {}

  private Setup setup(Map<String, Object> triggerFields) {
    String project = app.project("pipeline");
    String bot = app.bot(project, FLOW);
    JsonNode trigger = app.trigger(project, bot, triggerFields);
    return new Setup(project, trigger, app.client(trigger.get("secret").asText()),
        "/v1/triggers/" + trigger.get("id").asText() + "/events");
  }

  @Test
  void oneConversationRunsInAcceptanceOrderOneAtATime() {
    start(true);
    Setup s = setup(Map.of());
    List<String> ids = new ArrayList<>();
    String conversation = null;
    for (int n = 1; n <= 40; n++) {
      var r = s.caller().post(s.events() + "?session=same", Map.of("n", n));
      assertThat(r.status()).isEqualTo(202);
      ids.add(r.json().get("eventId").asText());
      conversation = r.json().get("conversationId").asText();
    }
    app.awaitEvent(ids.get(ids.size() - 1), "completed");
    JsonNode messages = app.admin.get("/v1/conversations/" + conversation + "/messages?limit=100").json().get("items");
    List<String> texts = new ArrayList<>();
    messages.forEach(m -> texts.add(m.get("payload").get("text").asText()));
    List<String> expected = new ArrayList<>();
    for (int n = 1; n <= 40; n++) expected.add("n=" + n);
    assertThat(texts).containsExactlyElementsOf(expected);
    String previousCompleted = "";
    for (String id : ids) {
      JsonNode e = app.event(id);
      assertThat(e.get("status").asText()).isEqualTo("completed");
      assertThat(e.get("startedAt").asText()).isGreaterThanOrEqualTo(previousCompleted);
      previousCompleted = e.get("completedAt").asText();
    }
  }

  @Test
  void concurrentCallsAreAllStoredAndProcessed() throws Exception {
    start(true);
    Setup s = setup(Map.of());
    ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int i = 0; i < 300; i++) {
      int n = i;
      pool.execute(() -> {
        var r = s.caller().post(s.events() + "?session=s" + (n % 30), Map.of("n", n));
        if (r.status() == 202) accepted.add(r.json().get("eventId").asText());
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(accepted).hasSize(300);
    TestApp.eventually(30_000, () -> app.admin.get("/v1/projects/" + s.project() + "/events?status=completed&limit=500")
        .json().get("items").size() == 300, "all 300 completed");
  }

  @Test
  void aFailedEventDoesNotBlockItsConversation() {
    start(true);
    Setup s = setup(Map.of());
    var failing = s.caller().post(s.events() + "?session=x", Map.of("n", 1, "fail", true));
    var next = s.caller().post(s.events() + "?session=x", Map.of("n", 2));
    JsonNode failed = app.awaitEvent(failing.json().get("eventId").asText(), "failed");
    assertThat(failed.get("result").get("error").asText()).contains("private address");
    assertThat(failed.get("completedAt").isNull()).isFalse();
    app.awaitEvent(next.json().get("eventId").asText(), "completed");
  }

  @Test
  void crashingEventsAreRetriedWithBackoffThenFailed() {
    start(false);
    Setup s = setup(Map.of());
    var r = s.caller().post(s.events(), Map.of("n", 1));
    String conversation = r.json().get("conversationId").asText();
    // The conversation row vanishing makes every attempt throw, as a storage fault would.
    app.app.core().db().write(h -> h.execute("DELETE FROM conversations WHERE id = ?", conversation));
    app.app.core().worker().start();
    JsonNode failed = app.awaitEvent(r.json().get("eventId").asText(), "failed");
    assertThat(failed.get("attempts").asInt()).isEqualTo(TestApp.FAST_RETRY.maxAttempts());
    assertThat(failed.get("result").get("error").asText()).contains("failed after 3 attempts");
  }

  @Test
  void anEventLeasedByADeadWorkerRunsAgainAfterTheLease() {
    start(false);
    Setup s = setup(Map.of());
    var blocked = s.caller().post(s.events() + "?session=dead", Map.of("n", 1));
    var other = s.caller().post(s.events() + "?session=alive", Map.of("n", 2));
    var db = app.app.core().db();
    long now = System.currentTimeMillis();
    // A worker that claimed the first conversation's head and then died: its lease runs out in 1.5 s.
    var claims = db.write(h -> QueueStore.claim(h, db.dialect(), "dead-node", now, now + 1500, 1));
    assertThat(claims).extracting(QueueStore.Claim::eventId).containsExactly(blocked.json().get("eventId").asText());
    app.app.core().worker().start();
    app.awaitEvent(other.json().get("eventId").asText(), "completed");
    assertThat(app.event(blocked.json().get("eventId").asText()).get("status").asText()).isNotEqualTo("completed");
    JsonNode recovered = app.awaitEvent(blocked.json().get("eventId").asText(), "completed");
    assertThat(recovered.get("attempts").asInt()).isEqualTo(2);
    String conversation = blocked.json().get("conversationId").asText();
    assertThat(app.admin.get("/v1/conversations/" + conversation + "/messages").json().get("items")).hasSize(1);
  }

  @Test
  void aWaitingCallerGets408AndProcessingGoesOn() {
    start(false);
    Setup s = setup(Map.of("waitForResponse", true, "responseTimeoutMs", 300));
    var r = s.caller().post(s.events(), Map.of("n", 5));
    assertThat(r.status()).isEqualTo(408);
    assertThat(r.json().get("status").asText()).isEqualTo("processing");
    app.app.core().worker().start();
    app.awaitEvent(r.json().get("eventId").asText(), "completed");
  }

  @Test
  void replayRunsThePayloadAgainAsANewEvent() {
    start(true);
    Setup s = setup(Map.of());
    var r = s.caller().post(s.events() + "?session=r", Map.of("n", 9));
    String original = r.json().get("eventId").asText();
    app.awaitEvent(original, "completed");
    var replay = app.admin.post("/v1/events/" + original + "/replay", null);
    assertThat(replay.status()).isEqualTo(202);
    String copy = replay.json().get("eventId").asText();
    assertThat(copy).isNotEqualTo(original);
    JsonNode replayed = app.awaitEvent(copy, "completed");
    assertThat(replayed.get("payload").get("n").asInt()).isEqualTo(9);
    assertThat(replayed.get("conversationId").asText()).isEqualTo(r.json().get("conversationId").asText());
    var failedOnly = app.admin.get("/v1/projects/" + s.project() + "/events?status=failed").json();
    assertThat(failedOnly.get("items")).isEmpty();
    assertThat(app.admin.get("/v1/projects/" + s.project() + "/events?conversationId=" + replayed.get("conversationId").asText())
        .json().get("items")).hasSize(2);
  }
}
