package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.Http;
import org.switchboard.support.TestApp;

/** ChatBotKit's management API over raw HTTP: the key's project as scope, ms and epoch fields, its error shape. */
class ChatBotKitManagementTest extends BothDatabases {
  private static final String BASE = "/api/v1/integration/trigger";
  private String project;
  private String bot;
  private Http owner;

  @BeforeEach
  void setUp() {
    project = app.project("cbk-mgmt");
    bot = app.bot(project, TestApp.ECHO);
    owner = app.client(app.apiKey(project, "project.admin"));
  }

  @Test
  void recordsTranslateToNativeTriggers() {
    var created = owner.post(BASE + "/create", Map.of("botId", bot, "sessionDuration", 1500, "schedule", "0 9 * * 1-5",
        "timezone", "America/New_York"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String id = created.json().get("id").asText();
    JsonNode nativeView = app.admin.get("/v1/triggers/" + id).json();
    assertThat(nativeView.get("sessionDurationSeconds").asLong()).as("milliseconds round up to whole seconds").isEqualTo(2);
    assertThat(nativeView.get("schedule").get("cron").asText()).isEqualTo("0 9 * * 1-5");
    assertThat(nativeView.get("schedule").get("timezone").asText()).isEqualTo("America/New_York");
    assertThat(nativeView.get("name").asText()).as("a name is made up when none is given").startsWith("Trigger ");

    assertThat(app.admin.patch("/v1/triggers/" + id, Map.of("status", "paused")).status()).isEqualTo(200);
    expect(owner.post(BASE + "/" + id + "/invoke", Map.of()), 409, "CONFLICT");
    assertThat(app.admin.patch("/v1/triggers/" + id, Map.of("status", "active")).status()).isEqualTo(200);

    var cleared = owner.post(BASE + "/" + id + "/update", Map.of("schedule", "never"));
    assertThat(cleared.status()).isEqualTo(200);
    JsonNode fetched = owner.get(BASE + "/" + id + "/fetch").json();
    assertThat(fetched.get("schedule").asText()).isEqualTo("never");
    assertThat(fetched.get("nextTriggerAt").isNull()).isTrue();
    var removed = owner.post(BASE + "/" + id + "/update", java.util.Collections.singletonMap("schedule", null));
    assertThat(removed.status()).isEqualTo(200);
    assertThat(owner.get(BASE + "/" + id + "/fetch").json().get("schedule").isNull()).isTrue();
    assertThat(owner.get(BASE + "/" + id + "/fetch").json().get("timezone").isNull()).isTrue();
  }

  @Test
  void aSessionDurationOfZeroKeepsNoSession() {
    String kept = owner.post(BASE + "/create", Map.of("botId", bot, "sessionDuration", 600_000)).json().get("id").asText();
    String none = owner.post(BASE + "/create", Map.of("botId", bot, "sessionDuration", 0)).json().get("id").asText();
    for (String[] expectation : new String[][] {{kept, "same"}, {none, "different"}}) {
      String secret = owner.get(BASE + "/" + expectation[0] + "/fetch").json().get("secret").asText();
      String path = BASE + "/" + expectation[0] + "/event?session=s-1";
      var one = app.anonymous().send("POST", path, Map.of("n", 1), Map.of("Authorization", "Bearer " + secret));
      app.awaitEvent(one.json().get("eventId").asText(), "completed");
      var two = app.anonymous().send("POST", path, Map.of("n", 2), Map.of("Authorization", "Bearer " + secret));
      boolean same = one.json().get("conversationId").equals(two.json().get("conversationId"));
      assertThat(same).as(expectation[1] + " conversation").isEqualTo(expectation[1].equals("same"));
    }
  }

  @Test
  void theKeysProjectIsTheScope() {
    String id = owner.post(BASE + "/create", Map.of("botId", bot, "name", "scoped")).json().get("id").asText();
    String other = app.project("cbk-other");
    Http stranger = app.client(app.apiKey(other, "project.admin"));
    expect(stranger.get(BASE + "/" + id + "/fetch"), 404, "NOT_FOUND");
    expect(stranger.post(BASE + "/" + id + "/delete", Map.of()), 404, "NOT_FOUND");
    assertThat(stranger.get(BASE + "/list").json().get("items")).isEmpty();
    expect(app.client(app.apiKey(project, "project.read")).get(BASE + "/list"), 403, "FORBIDDEN");
    expect(app.admin.get(BASE + "/list"), 403, "FORBIDDEN");
    expect(app.anonymous().get(BASE + "/list"), 401, "UNAUTHORIZED");
    expect(owner.get(BASE + "/not-an-id/fetch"), 404, "NOT_FOUND");
  }

  @Test
  void badInputGetsChatBotKitErrors() {
    expect(owner.post(BASE + "/create", Map.of("botId", bot, "colour", "red")), 422, "UNPROCESSABLE_ENTITY");
    expect(owner.post(BASE + "/create", Map.of("botId", bot, "sessionDuration", 2_592_000_001L)), 422, "UNPROCESSABLE_ENTITY");
    expect(owner.post(BASE + "/create", Map.of("botId", bot, "timezone", "Mars/Olympus", "schedule", "daily")), 422, "UNPROCESSABLE_ENTITY");
    expect(owner.post(BASE + "/create", Map.of("botId", "bot_00000000000000000000000000")), 422, "UNPROCESSABLE_ENTITY");
    expect(owner.post(BASE + "/create", "[1,2]"), 400, "BAD_REQUEST");
    expect(owner.get(BASE + "/list?take=0"), 400, "BAD_REQUEST");
    expect(owner.get(BASE + "/list?order=sideways"), 400, "BAD_REQUEST");
    expect(owner.get(BASE + "/list?cursor=abc"), 400, "BAD_REQUEST");
  }

  @Test
  void listPagesWithCursorAndTake() {
    for (int i = 0; i < 3; i++) owner.post(BASE + "/create", Map.of("botId", bot, "name", "t" + i, "meta", Map.of("n", i)));
    JsonNode first = owner.get(BASE + "/list?take=2&order=asc").json();
    assertThat(first.get("items")).hasSize(2);
    JsonNode second = owner.get(BASE + "/list?take=2&order=asc&cursor=" + first.get("cursor").asText()).json();
    assertThat(second.get("items")).hasSize(1);
    assertThat(second.get("items").get(0).get("name").asText()).isEqualTo("t2");
    assertThat(second.get("cursor").isNull()).isTrue();
    JsonNode byMeta = owner.get(BASE + "/list?meta.n=1").json();
    assertThat(byMeta.get("items")).extracting(t -> t.get("name").asText()).containsExactly("t1");
  }

  private static void expect(Http.Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().get("code").asText()).isEqualTo(code);
    assertThat(r.json().get("message").asText()).isNotBlank();
  }
}
