package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.Http;
import org.switchboard.support.TestApp;

/** A trigger's own rate limit: 429 with Retry-After past it, on every way in, and nothing stored for a refused call. */
class TriggerRateLimitTest extends BothDatabases {
  private String project;
  private String bot;

  @BeforeEach
  void setUp() {
    project = app.project("rate-limit");
    bot = app.bot(project, TestApp.ECHO);
  }

  private JsonNode trigger(String name, Object limit) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("name", name);
    fields.put("rateLimitPerMinute", limit);
    return app.trigger(project, bot, fields);
  }

  private int storedEvents(JsonNode trigger) {
    return app.admin.get("/v1/projects/" + project + "/events?limit=500&triggerId=" + trigger.get("id").asText())
        .json().get("items").size();
  }

  @Test
  void callsPastTheLimitGet429WithRetryAfterAndAreNotStored() {
    JsonNode t = trigger("limited", 5);
    assertThat(t.get("rateLimitPerMinute").asInt()).isEqualTo(5);
    Http caller = app.client(t.get("secret").asText());
    String events = "/v1/triggers/" + t.get("id").asText() + "/events";
    for (int i = 0; i < 5; i++) assertThat(caller.post(events, Map.of("n", i)).status()).isEqualTo(202);
    var refused = caller.post(events, Map.of("n", 5));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
    assertThat(refused.json().get("retryAfter").asInt()).isBetween(1, 60);
    assertThat(storedEvents(t)).isEqualTo(5);

    JsonNode other = trigger("unlimited", null);
    assertThat(other.get("rateLimitPerMinute").isNull()).isTrue();
    Http otherCaller = app.client(other.get("secret").asText());
    for (int i = 0; i < 20; i++) {
      assertThat(otherCaller.post("/v1/triggers/" + other.get("id").asText() + "/events", Map.of()).status())
          .as("another trigger has its own count, and none by default").isEqualTo(202);
    }
  }

  @Test
  void theLimitCountsEveryWayIntoTheTrigger() {
    JsonNode t = trigger("shared", 3);
    String id = t.get("id").asText();
    String secret = t.get("secret").asText();
    String key = app.apiKey(project, "project.trigger");
    Http anonymous = app.anonymous();
    String chathive = "/api/v1.0/project/" + project + "/trigger/" + t.get("key").asText();
    String chatbotkit = "/api/v1/integration/trigger/" + id + "/event";
    assertThat(app.client(secret).post("/v1/triggers/" + id + "/events", Map.of()).status()).isEqualTo(202);
    assertThat(anonymous.send("POST", chathive, Map.of(), Map.of("x-api-key", key)).status()).isEqualTo(202);
    assertThat(app.client(secret).post(chatbotkit, Map.of()).status()).isEqualTo(200);

    var cbk = app.client(secret).post(chatbotkit, Map.of());
    assertThat(cbk.status()).isEqualTo(429);
    assertThat(cbk.json().get("code").asText()).isEqualTo("TOO_MANY_REQUESTS");
    assertThat(cbk.header("Retry-After")).isNotNull();
    var hive = anonymous.send("POST", chathive, Map.of(), Map.of("x-api-key", key));
    assertThat(hive.status()).isEqualTo(429);
    assertThat(hive.header("Retry-After")).isNotNull();
    assertThat(storedEvents(t)).isEqualTo(3);
  }

  @Test
  void theLimitIsChangedAndRemovedByPatchAndValidated() {
    JsonNode t = trigger("changing", 1);
    String id = t.get("id").asText();
    Http caller = app.client(t.get("secret").asText());
    String events = "/v1/triggers/" + id + "/events";
    assertThat(caller.post(events, Map.of()).status()).isEqualTo(202);
    assertThat(caller.post(events, Map.of()).status()).isEqualTo(429);

    Map<String, Object> none = new HashMap<>();
    none.put("rateLimitPerMinute", null);
    var patched = app.admin.patch("/v1/triggers/" + id, none);
    assertThat(patched.json().get("rateLimitPerMinute").isNull()).isTrue();
    assertThat(caller.post(events, Map.of()).status()).isEqualTo(202);
    var renamed = app.admin.patch("/v1/triggers/" + id, Map.of("name", "renamed"));
    assertThat(renamed.json().get("rateLimitPerMinute").isNull()).as("another field's change keeps the limit").isTrue();

    for (Object bad : new Object[] {0, -1, 1.5, "ten", 1_000_001}) {
      var r = app.admin.patch("/v1/triggers/" + id, Map.of("rateLimitPerMinute", bad));
      assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(422);
      assertThat(r.json().get("errors").get(0).get("path").asText()).isEqualTo("rateLimitPerMinute");
    }
    assertThat(app.admin.patch("/v1/triggers/" + id, Map.of("rateLimitPerMinute", 100)).json()
        .get("rateLimitPerMinute").asInt()).isEqualTo(100);
    assertThat(app.admin.get("/v1/triggers/" + id).json().get("rateLimitPerMinute").asInt()).isEqualTo(100);
  }
}
