package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.Http;

/** ChatBotKit's trigger integration event endpoint: any method, any content type, the exact Bearer secret. */
class ChatBotKitEventTest extends BothDatabases {
  private String project;
  private JsonNode trigger;
  private String path;

  @BeforeEach
  void setUp() {
    project = app.project("cbk");
    String bot = app.bot(project, org.switchboard.support.TestApp.ECHO);
    trigger = app.trigger(project, bot, Map.of());
    path = "/api/v1/integration/trigger/" + trigger.get("id").asText() + "/event";
  }

  private Http.Response send(String method, String query, Object body, Map<String, String> headers) {
    return app.anonymous().send(method, path + query, body, headers);
  }

  private Map<String, String> auth() { return Map.of("Authorization", "Bearer " + trigger.get("secret").asText()); }

  @Test
  void anyMethodAndContentTypeIsAnEvent() {
    var posted = send("POST", "?session=abc&contact.name=Ada&contact.email=ada@example.com", Map.of("order", 5), auth());
    assertThat(posted.status()).isEqualTo(200);
    assertThat(posted.json().get("ok").asBoolean()).isTrue();
    JsonNode event = app.awaitEvent(posted.json().get("eventId").asText(), "completed");
    assertThat(event.get("source").asText()).isEqualTo("chatbotkit");
    assertThat(event.get("payload").get("order").asInt()).isEqualTo(5);
    var again = send("PUT", "?session=abc", Map.of("order", 6), auth());
    assertThat(again.json().get("conversationId")).isEqualTo(posted.json().get("conversationId"));
    var get = send("GET", "", null, auth());
    assertThat(app.event(get.json().get("eventId").asText()).get("payload").isObject()).isTrue();
    var text = send("POST", "", "plain text", Map.of("Authorization", "Bearer " + trigger.get("secret").asText(),
        "Content-Type", "text/plain"));
    assertThat(app.event(text.json().get("eventId").asText()).get("payload").asText()).isEqualTo("plain text");
    var contact = app.admin.get("/v1/projects/" + project + "/contacts?email=ada@example.com").json().get("items");
    assertThat(contact.get(0).get("name").asText()).isEqualTo("Ada");
  }

  @Test
  void aBlankIdempotencyKeyIsRefusedInChatBotKitsShape() {
    var blank = send("POST", "", Map.of("n", 1), Map.of("Authorization", "Bearer " + trigger.get("secret").asText(),
        "Idempotency-Key", ""));
    assertThat(blank.status()).as(blank.toString()).isEqualTo(400);
    assertThat(blank.json().get("code").asText()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void errorsUseChatBotKitsShape() {
    var badEmail = send("POST", "?contact.email=not-an-email", Map.of(), auth());
    assertThat(badEmail.status()).as(badEmail.body()).isEqualTo(400);
    assertThat(badEmail.json().get("code").asText()).isEqualTo("BAD_REQUEST");
    var wrong = send("POST", "", Map.of(), Map.of("Authorization", "Bearer nope"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(wrong.json().get("message").asText()).isNotBlank();
    assertThat(send("POST", "", Map.of(), Map.of("Authorization", "bearer " + trigger.get("secret").asText())).status()).isEqualTo(401);
    String apiKey = app.apiKey(project, "project.admin");
    assertThat(send("POST", "", Map.of(), Map.of("Authorization", "Bearer " + apiKey)).status()).isEqualTo(401);
    var unknown = app.anonymous().send("POST", "/api/v1/integration/trigger/trg_00000000000000000000000000/event", Map.of(), auth());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("code").asText()).isEqualTo("NOT_FOUND");
    var open = app.trigger(project, trigger.get("botId").asText(), Map.of("authenticate", false));
    var noAuth = app.anonymous().send("POST", "/api/v1/integration/trigger/" + open.get("id").asText() + "/event", Map.of(), Map.of());
    assertThat(noAuth.status()).isEqualTo(200);
  }
}
