package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.Http;
import org.switchboard.support.TestApp;

/** ChatAIBot's API channel with the seed's own request bodies. */
class ChatAiBotTest extends BothDatabases {
  private String project;
  private Http client;

  private static final String START = """
      {
        "channel": "API",
        "message": { "data": { "body": "Hello" }, "type": "text" },
        "variables": {
          "system": { "timezone": "Asia/Calcutta", "referrerUrl": "https://chataibot.io", "browserLanguage": "en-GB" },
          "contact": { "name": "User Name", "email": "example@domain.com", "phone": "1234567890" },
          "conversation": { "variable": "value" }
        },
        "bot_key": "support",
        "from": { "user_external_id": "visitor-42", "type": "VISITOR" }
      }
      """;

  @BeforeEach
  void setUp() {
    project = app.project("chataibot");
    app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "Support", "key", "Support", "publish", true,
        "definition", """
            on: { message: main }
            nodes:
              main: [ { say: "You said {{event.text}} ({{vars.variable}}, {{vars.system.timezone}}, {{contact.name}})" } ]
            """));
    client = app.client(app.apiKey(project, "project.conversation", "project.read"));
  }

  @Test
  void startSendAndList() {
    var started = client.post("/api/v1/conversations", START);
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    JsonNode body = started.json();
    assertThat(body.get("ok").asBoolean()).isTrue();
    String id = body.get("conversation").get("id").asText();
    assertThat(body.get("conversation").get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
    assertThat(body.get("conversation").get("assignee").get("id").asText()).startsWith("bot_");
    assertThat(body.get("contact").get("email").asText()).isEqualTo("example@domain.com");
    assertThat(body.get("contact").get("visitor_key").asText()).isEqualTo("visitor-42_" + project);
    TestApp.eventually(10_000, () -> client.get("/api/v1/conversation/" + id + "/messages").json().get("messages").size() == 2,
        "the first reply");
    var sent = client.post("/api/v1/conversation/" + id + "/messages",
        "{\"message\": {\"data\": {\"body\": \"Second\"}, \"type\": \"text\"}, \"user\": {\"type\": \"VISITOR\"}}");
    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.json().get("message_id").asText()).startsWith("msg_");
    TestApp.eventually(10_000, () -> client.get("/api/v1/conversation/" + id + "/messages").json().get("messages").size() == 4,
        "both replies");
    JsonNode messages = client.get("/api/v1/conversation/" + id + "/messages").json().get("messages");
    assertThat(messages.get(0).get("from").get("type").asText()).isEqualTo("VISITOR");
    assertThat(messages.get(0).get("data").get("body").asText()).isEqualTo("Hello");
    assertThat(messages.get(1).get("from").get("type").asText()).isEqualTo("BOT");
    assertThat(messages.get(1).get("data").get("body").asText()).isEqualTo("You said Hello (value, Asia/Calcutta, User Name)");
    assertThat(messages.get(3).get("data").get("body").asText()).startsWith("You said Second");
    var contacts = app.admin.get("/v1/projects/" + project + "/contacts?externalId=visitor-42").json().get("items");
    assertThat(contacts).hasSize(1);
  }

  @Test
  void errorsAreOkFalseWithAnError() {
    var noChannel = client.post("/api/v1/conversations", START.replace("\"API\"", "\"WEB\""));
    assertThat(noChannel.status()).isEqualTo(400);
    assertThat(noChannel.json().get("ok").asBoolean()).isFalse();
    assertThat(noChannel.json().get("error").asText()).contains("channel");
    assertThat(client.post("/api/v1/conversations", START.replace("visitor-42", "")).status()).isEqualTo(400);
    assertThat(client.post("/api/v1/conversations", START.replace("\"support\"", "\"nobody\"")).status()).isEqualTo(404);
    assertThat(app.anonymous().post("/api/v1/conversations", START).json().get("ok").asBoolean()).isFalse();
    assertThat(app.anonymous().post("/api/v1/conversations", START).status()).isEqualTo(401);
    assertThat(app.client(app.apiKey(project, "project.read")).post("/api/v1/conversations", START).status()).isEqualTo(403);
    assertThat(client.post("/api/v1/conversation/cnv_nope/messages", "{}").status()).isEqualTo(404);
    String id = client.post("/api/v1/conversations", START).json().get("conversation").get("id").asText();
    var stranger = app.client(app.apiKey(app.project("other"), "project.conversation", "project.read"));
    assertThat(stranger.get("/api/v1/conversation/" + id + "/messages").status()).isEqualTo(404);
    assertThat(client.post("/api/v1/conversation/" + id + "/messages", "{\"message\": {\"data\": {}}}").status()).isEqualTo(400);
  }
}
