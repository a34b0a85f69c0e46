package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.Http;

/** Chathive's API trigger, called as its users call it: x-api-key and the seed's bodies. */
class ChathiveTest extends BothDatabases {
  private String project;
  private String bot;
  private String key;

  @BeforeEach
  void setUp() {
    project = app.project("chathive");
    bot = app.bot(project, """
        on: { trigger: { "*": main } }
        nodes:
          main:
            - say: "env={{event.environment}} lang={{event.language}} tz={{event.timezone}} plan={{event.context.plan}}"
            - say: "instruction={{event.payload.instruction}} customer={{contact.name}}"
        """);
    key = app.apiKey(project, "project.trigger");
  }

  private Http.Response call(String triggerKey, Object body, String apiKey) {
    Http client = app.anonymous();
    return client.send("POST", "/api/v1.0/project/" + project + "/trigger/" + triggerKey, body,
        apiKey == null ? Map.of() : Map.of("x-api-key", apiKey));
  }

  @Test
  void theSeedsRequestIsAcceptedAndTheKeyIsCaseInsensitive() {
    app.trigger(project, bot, Map.of("name", "Order Shipped", "key", "Order-Shipped"));
    var r = call("order-shipped", Map.of("key", "value"), key);
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.json().get("status").asText()).isEqualTo("accepted");
    JsonNode event = app.awaitEvent(r.json().get("eventId").asText(), "completed");
    assertThat(event.get("source").asText()).isEqualTo("chathive");
    assertThat(event.get("payload").get("key").asText()).isEqualTo("value");
  }

  @Test
  void aWaitingTriggerAnswersWithTheResponse() {
    app.trigger(project, bot, Map.of("name", "ask", "key", "ask", "waitForResponse", true));
    var r = call("ask", Map.of("instruction", "Summarise", "sessionId", "s-1", "language", "NL", "timezone", "Europe/Amsterdam",
        "customer", Map.of("id", "c-9", "name", "Ada"), "context", Map.of("plan", "pro", "seats", 3, "trial", false)), key);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("status").asText()).isEqualTo("completed");
    assertThat(r.json().get("response").get("text").asText())
        .isEqualTo("env=api lang=nl tz=Europe/Amsterdam plan=pro\ninstruction=Summarise customer=Ada");
    assertThat(r.json().get("response").get("messages")).hasSize(2);
    var again = call("ask", Map.of("sessionId", "s-1", "environment", "web"), key);
    assertThat(again.json().get("conversationId")).isEqualTo(r.json().get("conversationId"));
    assertThat(again.json().get("response").get("text").asText()).startsWith("env=web");
    var other = call("ask", Map.of("sessionId", "s-2"), key);
    assertThat(other.json().get("conversationId")).isNotEqualTo(r.json().get("conversationId"));
    var contacts = app.admin.get("/v1/projects/" + project + "/contacts?externalId=c-9").json();
    assertThat(contacts.get("items")).hasSize(1);
  }

  @Test
  void anIdempotencyKeyAnswersWithTheFirstEventAndABlankOneIsRefused() {
    app.trigger(project, bot, Map.of("name", "idem", "key", "idem"));
    String path = "/api/v1.0/project/" + project + "/trigger/idem";
    var first = app.anonymous().send("POST", path, Map.of("n", 1), Map.of("x-api-key", key, "Idempotency-Key", "k-1"));
    var again = app.anonymous().send("POST", path, Map.of("n", 2), Map.of("x-api-key", key, "Idempotency-Key", "k-1"));
    assertThat(again.json().get("eventId")).isEqualTo(first.json().get("eventId"));
    // A blank key would make every call that sends one the same call.
    var blank = app.anonymous().send("POST", path, Map.of("n", 3), Map.of("x-api-key", key, "Idempotency-Key", ""));
    assertThat(blank.status()).as(blank.toString()).isEqualTo(400);
  }

  @Test
  void bodyRules() {
    app.trigger(project, bot, Map.of("name", "rules", "key", "rules"));
    assertThat(call("rules", Map.of("language", "eng"), key).status()).isEqualTo(400);
    assertThat(call("rules", Map.of("timezone", "Moon/Base"), key).status()).isEqualTo(400);
    assertThat(call("rules", Map.of("context", Map.of("nested", Map.of("a", 1))), key).status()).isEqualTo(400);
    assertThat(call("rules", Map.of("instruction", 42), key).status()).isEqualTo(400);
    var bad = call("rules", Map.of("customer", "Ada"), key);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("errors").get(0).get("path").asText()).isEqualTo("customer");
    assertThat(call("rules", Map.of("instruction", Map.of("task", "x"), "context", Map.of("a", "b")), key).status()).isEqualTo(202);
  }

  @Test
  void filterAndDuplicateDropsAre400WithTheReason() {
    app.trigger(project, bot, Map.of("name", "f", "key", "f", "filter", "body.kind == 'order'", "ignoreDuplicates", true));
    var filtered = call("f", Map.of("kind", "refund"), key);
    assertThat(filtered.status()).isEqualTo(400);
    assertThat(filtered.json().get("reason").asText()).isEqualTo("filter");
    assertThat(call("f", Map.of("kind", "order"), key).status()).isEqualTo(202);
    var duplicate = call("f", Map.of("kind", "order"), key);
    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(duplicate.json().get("reason").asText()).isEqualTo("duplicate");
  }

  @Test
  void keysPermissionsAndTriggerStates() {
    JsonNode t = app.trigger(project, bot, Map.of("name", "k", "key", "k"));
    assertThat(call("k", Map.of(), null).status()).isEqualTo(401);
    assertThat(call("k", Map.of(), "sk_unknown").status()).isEqualTo(401);
    assertThat(call("k", Map.of(), app.apiKey(project, "project.read")).status()).isEqualTo(403);
    assertThat(call("k", Map.of(), app.apiKey(app.project("other"), "project.trigger")).status()).isEqualTo(403);
    assertThat(call("missing", Map.of(), key).status()).isEqualTo(404);
    app.admin.patch("/v1/triggers/" + t.get("id").asText(), Map.of("status", "paused"));
    assertThat(call("k", Map.of(), key).status()).isEqualTo(404);
    app.admin.delete("/v1/triggers/" + t.get("id").asText());
    assertThat(call("k", Map.of(), key).status()).isEqualTo(404);
  }

  @Test
  void moreThan512RequestsAMinuteForOneKeyGet429WithRetryAfter() {
    app.trigger(project, bot, Map.of("name", "busy", "key", "busy", "filter", "false"));
    String busyKey = app.apiKey(project, "project.trigger");
    int limited = 0;
    String retryAfter = null;
    for (int i = 0; i < 530; i++) {
      var r = call("busy", Map.of("n", i), busyKey);
      if (r.status() == 429) {
        limited++;
        retryAfter = r.header("Retry-After");
      } else {
        assertThat(r.status()).isEqualTo(400); // the filter drops everything that gets through
      }
    }
    assertThat(limited).isBetween(1, 30);
    assertThat(Integer.parseInt(retryAfter)).isBetween(1, 60);
    assertThat(call("busy", Map.of(), key).status()).isEqualTo(400); // another key is not limited
  }
}
