package org.switchboard.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.model.Delivery;
import org.switchboard.store.OutboxStore;
import org.switchboard.store.QueueStore;
import org.switchboard.support.DbKind;
import org.switchboard.support.LocalServer;
import org.switchboard.support.TestApp;

/**
 * Work a dead node held when the next one starts. The embedded database has one node at a time, so its leases are
 * ended at start; on PostgreSQL another node may be holding them, so they run out as usual.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
class WorkInFlightAtStartTest {
  private static final long TEN_MINUTES = 600_000;

  @Parameter
  DbKind kind;
  private TestApp app;
  private LocalServer receiver;

  @AfterEach
  void stop() {
    if (app != null) app.close();
    if (receiver != null) receiver.close();
  }

  @Test
  void anEventLeasedByTheNodeBeforeRunsAtStartOnlyOnTheEmbeddedDatabase() {
    app = TestApp.start(kind, Map.of(), false);
    String project = app.project("crash");
    JsonNode trigger = app.trigger(project, app.bot(project, TestApp.ECHO), Map.of());
    var caller = app.client(trigger.get("secret").asText());
    String events = "/v1/triggers/" + trigger.get("id").asText() + "/events";
    String leased = caller.post(events + "?session=dead", Map.of("n", 1)).json().get("eventId").asText();
    var db = app.app.core().db();
    long now = System.currentTimeMillis();
    List<QueueStore.Claim> claimed = db.write(h -> QueueStore.claim(h, db.dialect(), "gone-node", now, now + TEN_MINUTES, 1));
    assertThat(claimed).extracting(QueueStore.Claim::eventId).containsExactly(leased);

    app.restart(true);
    caller = app.client(trigger.get("secret").asText()); // the new node listens on another port
    String other = caller.post(events + "?session=alive", Map.of("n", 2)).json().get("eventId").asText();
    app.awaitEvent(other, "completed");
    if (kind == DbKind.SQLITE) {
      JsonNode ran = app.awaitEvent(leased, "completed");
      assertThat(ran.get("attempts").asInt()).as("the crashed attempt still counts").isEqualTo(2);
      assertThat(app.admin.get("/v1/conversations/" + ran.get("conversationId").asText() + "/messages").json()
          .get("items")).hasSize(1);
    } else {
      assertThat(app.event(leased).get("status").asText()).isEqualTo("processing");
    }
  }

  @Test
  void aDeliveryBeingSentByTheNodeBeforeIsSentAtStartOnlyOnTheEmbeddedDatabase() throws Exception {
    receiver = new LocalServer(r -> LocalServer.Answer.json(200, Map.of("ok", true)));
    app = TestApp.start(kind, Map.of("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true"), false);
    String project = app.project("crash");
    String bot = app.bot(project, TestApp.ECHO);
    String subscription = app.admin.post("/v1/projects/" + project + "/subscriptions",
        Map.of("topics", List.of("conversation.started"), "url", receiver.url() + "/hook")).json().get("id").asText();
    String conversation = app.admin.post("/v1/projects/" + project + "/conversations", Map.of("botId", bot))
        .json().get("id").asText();
    var db = app.app.core().db();
    long now = System.currentTimeMillis();
    List<Delivery> claimed = db.write(h -> OutboxStore.claim(h, db.dialect(), "gone-node", now, now + TEN_MINUTES, 10));
    assertThat(claimed).hasSize(1);

    app.restart(true);
    String deliveries = "/v1/subscriptions/" + subscription + "/deliveries";
    if (kind == DbKind.SQLITE) {
      TestApp.eventually(10_000, () -> !receiver.requests.isEmpty(), "the delivery to be sent");
      assertThat(receiver.requests.getFirst().json().get("data").get("conversation").get("id").asText()).isEqualTo(conversation);
      TestApp.eventually(5_000, () -> "succeeded".equals(app.admin.get(deliveries).json().get("items").get(0)
          .get("status").asText()), "the delivery to be settled");
      assertThat(app.admin.get(deliveries).json().get("items").get(0).get("attempts")).hasSize(1);
    } else {
      Thread.sleep(1_000); // the dispatcher's poll is 250 ms
      assertThat(receiver.requests).isEmpty();
    }
  }
}
