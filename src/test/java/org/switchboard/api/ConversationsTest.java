package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.SseClient;
import org.switchboard.support.TestApp;

class ConversationsTest extends BothDatabases {
  private String project;
  private String bot;
  private String key;

  @BeforeEach
  void setUp() {
    project = app.project("chat");
    bot = app.bot(project, """
        variables: { greeting: "Hi" }
        on:
          start: hello
          message: echo
        nodes:
          hello:
            - say: "{{vars.greeting}} {{contact.name}}"
          echo:
            - say: "you said {{event.text}}"
        """);
    key = app.apiKey(project, "project.conversation", "project.read");
  }

  private String start(Map<String, Object> body) {
    var r = app.client(key).post("/v1/projects/" + project + "/conversations", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  @Test
  void startAndChatWaitingForReplies() {
    String id = start(Map.of("botId", bot, "contact", Map.of("name", "Ada", "externalId", "u-1"), "variables", Map.of("plan", "pro")));
    JsonNode conversation = app.client(key).get("/v1/conversations/" + id).json();
    assertThat(conversation.get("status").asText()).isEqualTo("active");
    assertThat(conversation.get("botVersion").asInt()).isEqualTo(1);
    assertThat(conversation.get("variables").get("plan").asText()).isEqualTo("pro");
    var r = app.client(key).post("/v1/conversations/" + id + "/messages?wait=true", Map.of("text", "ping"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("message").get("role").asText()).isEqualTo("user");
    List<String> replies = new ArrayList<>();
    r.json().get("replies").forEach(m -> replies.add(m.get("payload").get("text").asText()));
    assertThat(replies).containsExactly("Hi Ada", "you said ping");
    var contacts = app.client(key).get("/v1/projects/" + project + "/contacts?externalId=u-1").json();
    assertThat(contacts.get("items").get(0).get("name").asText()).isEqualTo("Ada");
  }

  @Test
  void aRepeatedIdempotencyKeyAnswersWithTheFirstMessage() {
    String id = start(Map.of("botId", bot));
    String messages = "/v1/conversations/" + id + "/messages";
    var chat = app.client(key);
    Map<String, String> once = Map.of("Idempotency-Key", "send-1");
    var first = chat.send("POST", messages + "?wait=true", Map.of("text", "ping"), once);
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    // The answer was lost, so the client sends again (even with another body): the first message answers.
    var again = chat.send("POST", messages + "?wait=true", Map.of("text", "ping?"), once);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("message")).isEqualTo(first.json().get("message"));
    assertThat(again.json().get("eventId")).isEqualTo(first.json().get("eventId"));
    assertThat(again.json().get("replies")).isEqualTo(first.json().get("replies"));
    var unwaited = chat.send("POST", messages, Map.of("text", "ping"), once);
    assertThat(unwaited.status()).isEqualTo(202);
    assertThat(unwaited.json().get("message").get("id")).isEqualTo(first.json().get("message").get("id"));

    String other = start(Map.of("botId", bot));
    var elsewhere = chat.send("POST", "/v1/conversations/" + other + "/messages", Map.of("text", "ping"), once);
    assertThat(elsewhere.status()).as("a key belongs to its conversation").isEqualTo(202);
    assertThat(elsewhere.json().get("message").get("id")).isNotEqualTo(first.json().get("message").get("id"));

    assertThat(chat.post("/v1/conversations/" + id + "/end", Map.of()).status()).isEqualTo(200);
    assertThat(chat.send("POST", messages, Map.of("text", "ping"), once).json().get("message").get("id"))
        .as("a repeat after the end still answers with what was stored").isEqualTo(first.json().get("message").get("id"));
    assertThat(chat.send("POST", messages, Map.of("text", "pong"), Map.of("Idempotency-Key", "send-2")).status()).isEqualTo(409);
    assertThat(chat.send("POST", messages, Map.of("text", "pong"), Map.of("Idempotency-Key", "k".repeat(256))).status())
        .isEqualTo(400);

    JsonNode log = chat.get(messages).json().get("items");
    assertThat(log).filteredOn(m -> m.get("role").asText().equals("user")).hasSize(1);
    assertThat(chat.get("/v1/conversations/" + id + "/events").json().get("items")).hasSize(1);
  }

  @Test
  void postWithoutWaitingThenReadTheLog() {
    String id = start(Map.of("botId", bot));
    var r = app.client(key).post("/v1/conversations/" + id + "/messages", Map.of("type", "text", "payload", Map.of("text", "hey")));
    assertThat(r.status()).isEqualTo(202);
    String eventId = r.json().get("eventId").asText();
    app.awaitEvent(eventId, "completed");
    JsonNode items = app.client(key).get("/v1/conversations/" + id + "/messages").json().get("items");
    assertThat(items).hasSize(3);
    assertThat(items.get(0).get("seq").asInt()).isEqualTo(1);
    assertThat(items.get(0).get("role").asText()).isEqualTo("user");
    assertThat(items.get(2).get("payload").get("text").asText()).isEqualTo("you said hey");
    assertThat(items.get(2).get("eventId").asText()).isEqualTo(eventId);
    JsonNode after = app.client(key).get("/v1/conversations/" + id + "/messages?after=2").json().get("items");
    assertThat(after).hasSize(1);
    JsonNode events = app.client(key).get("/v1/conversations/" + id + "/events").json().get("items");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("type").asText()).isEqualTo("message");
    var listed = app.client(key).get("/v1/projects/" + project + "/conversations?botId=" + bot + "&status=active").json();
    assertThat(listed.get("items").findValuesAsText("id")).contains(id);
  }

  @Test
  void endedConversationsRefuseMessagesAndHandoffSilencesTheBot() {
    String id = start(Map.of("botId", bot));
    var handoff = app.client(key).post("/v1/conversations/" + id + "/handoff", Map.of("active", true));
    assertThat(handoff.json().get("status").asText()).isEqualTo("handoff");
    var during = app.client(key).post("/v1/conversations/" + id + "/messages?wait=true", Map.of("text", "human please"));
    assertThat(during.status()).isEqualTo(200);
    assertThat(during.json().get("replies")).isEmpty();
    app.client(key).post("/v1/conversations/" + id + "/handoff", Map.of("active", false));
    var after = app.client(key).post("/v1/conversations/" + id + "/messages?wait=true", Map.of("text", "back"));
    assertThat(after.json().get("replies")).isNotEmpty();
    assertThat(app.client(key).post("/v1/conversations/" + id + "/end", null).json().get("status").asText()).isEqualTo("ended");
    var refused = app.client(key).post("/v1/conversations/" + id + "/messages", Map.of("text", "hello?"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(app.client(key).post("/v1/conversations/" + id + "/handoff", Map.of()).status()).isEqualTo(422);
  }

  @Test
  void streamDeliversEveryMessageAndResumesWithoutGapOrRepeat() throws Exception {
    String id = start(Map.of("botId", bot));
    String url = app.admin.base() + "/v1/conversations/" + id + "/stream";
    List<Long> seen = new ArrayList<>();
    try (SseClient sse = new SseClient(url, key, null)) {
      assertThat(sse.status()).isEqualTo(200);
      app.client(key).post("/v1/conversations/" + id + "/messages?wait=true", Map.of("text", "one"));
      for (int i = 0; i < 3; i++) {
        SseClient.Frame f = sse.next(10_000);
        assertThat(f).as("frame " + i).isNotNull();
        assertThat(f.event()).isEqualTo("message");
        assertThat(f.data().get("seq").asLong()).isEqualTo(Long.parseLong(f.id()));
        seen.add(Long.parseLong(f.id()));
      }
    }
    assertThat(seen).containsExactly(1L, 2L, 3L);
    app.client(key).post("/v1/conversations/" + id + "/messages?wait=true", Map.of("text", "two"));
    try (SseClient resumed = new SseClient(url, key, "2")) {
      List<Long> more = new ArrayList<>();
      for (int i = 0; i < 3; i++) more.add(Long.parseLong(resumed.next(10_000).id()));
      assertThat(more).containsExactly(3L, 4L, 5L);
      assertThat(resumed.next(300)).isNull();
    }
  }

  @Test
  void readersCannotWriteAndOtherProjectsCannotSee() {
    String id = start(Map.of("botId", bot));
    String reader = app.apiKey(project, "project.read");
    assertThat(app.client(reader).post("/v1/conversations/" + id + "/messages", Map.of("text", "x")).status()).isEqualTo(403);
    String other = app.project("other");
    String stranger = app.apiKey(other, "project.admin");
    assertThat(app.client(stranger).get("/v1/conversations/" + id).status()).isEqualTo(404);
    assertThat(app.client(stranger).get("/v1/bots/" + bot).status()).isEqualTo(404);
    assertThat(app.client(key).post("/v1/projects/" + project + "/conversations", Map.of("botId", "bot_nope")).status()).isEqualTo(422);
  }
}
