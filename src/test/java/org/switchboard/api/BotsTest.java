package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.TestApp;

class BotsTest extends BothDatabases {

  @Test
  void createsFromAJsonObjectOrAYamlString() {
    String project = app.project("bots");
    JsonNode asObject = TestApp.json("{\"on\": {\"default\": \"a\"}, \"nodes\": {\"a\": [{\"say\": \"hi\"}]}}");
    var fromObject = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "Order Bot", "definition", asObject));
    assertThat(fromObject.status()).isEqualTo(201);
    assertThat(fromObject.json().get("key").asText()).isEqualTo("order-bot");
    assertThat(fromObject.json().get("publishedVersion").isNull()).isTrue();
    var fromYaml = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "y", "key", "Y_1", "definition", TestApp.ECHO));
    assertThat(fromYaml.status()).isEqualTo(201);
    var draft = app.admin.get("/v1/bots/" + fromYaml.json().get("id").asText()).json().get("draft");
    assertThat(draft.get("nodes").get("echo").get(0).has("say")).isTrue();
    var clash = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "z", "key", "y_1", "definition", TestApp.ECHO));
    assertThat(clash.status()).isEqualTo(409);
    var badKey = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "z", "key", "no spaces", "definition", TestApp.ECHO));
    assertThat(badKey.status()).isEqualTo(422);
  }

  @Test
  void invalidDefinitionsListEveryProblemWithYamlLines() {
    String project = app.project("invalid");
    String yaml = """
        on:
          message: nowhere
        nodes:
          main:
            - say: "Hi {{contact.name"
            - goto: missing
            - bogus: 1
            - if: 'vars.x +'
              then: []
        extra: true
        """;
    var r = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "bad", "definition", yaml));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode errors = r.json().get("errors");
    assertThat(errors).hasSizeGreaterThanOrEqualTo(6);
    assertThat(error(errors, "on.message").get("line").asInt()).isEqualTo(2);
    assertThat(error(errors, "nodes.main[0].say").get("line").asInt()).isEqualTo(5);
    assertThat(error(errors, "nodes.main[1].goto").get("message").asText()).contains("missing");
    assertThat(error(errors, "nodes.main[2]").get("line").asInt()).isEqualTo(7);
    assertThat(error(errors, "nodes.main[3].if").get("message").asText()).contains("CEL");
    assertThat(error(errors, "extra").get("line").asInt()).isEqualTo(10);
    var notYaml = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "bad", "definition", "on: [unclosed"));
    assertThat(notYaml.status()).isEqualTo(422);
    assertThat(notYaml.json().get("errors").get(0).has("line")).isTrue();
  }

  private static JsonNode error(JsonNode errors, String path) {
    for (JsonNode e : errors) if (e.get("path").asText().equals(path)) return e;
    throw new AssertionError("no error at " + path + " in " + errors);
  }

  @Test
  void publishingFreezesNumberedVersions() {
    String project = app.project("versions");
    var created = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "v", "definition", TestApp.ECHO));
    String id = created.json().get("id").asText();
    var v1 = app.admin.post("/v1/bots/" + id + "/publish", null);
    assertThat(v1.status()).isEqualTo(201);
    assertThat(v1.json().get("version").asInt()).isEqualTo(1);
    assertThat(v1.json().has("publishedAt")).isTrue();
    String changed = TestApp.ECHO.replace("echo {{", "v2 {{");
    assertThat(app.admin.put("/v1/bots/" + id + "/draft", Map.of("definition", changed)).status()).isEqualTo(200);
    assertThat(app.admin.put("/v1/bots/" + id + "/draft", Map.of("definition", "nodes: {}")).status()).isEqualTo(422);
    assertThat(app.admin.post("/v1/bots/" + id + "/publish", null).json().get("version").asInt()).isEqualTo(2);
    var versions = app.admin.get("/v1/bots/" + id + "/versions").json().get("items");
    assertThat(versions).hasSize(2);
    assertThat(versions.get(1).get("definition").toString()).contains("echo {{");
    assertThat(versions.get(0).get("definition").toString()).contains("v2 {{");
    assertThat(app.admin.get("/v1/bots/" + id).json().get("publishedVersion").asInt()).isEqualTo(2);
  }

  @Test
  void aConversationStaysOnItsVersion() {
    String project = app.project("pinning");
    var created = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "p", "definition", TestApp.ECHO, "publish", true));
    String bot = created.json().get("id").asText();
    JsonNode trigger = app.trigger(project, bot, Map.of("waitForResponse", true));
    var caller = app.client(trigger.get("secret").asText());
    String events = "/v1/triggers/" + trigger.get("id").asText() + "/events?session=s1";
    var first = caller.post(events, Map.of("n", 1));
    app.admin.put("/v1/bots/" + bot + "/draft", Map.of("definition", TestApp.ECHO.replace("echo {{", "new {{")));
    app.admin.post("/v1/bots/" + bot + "/publish", null);
    var second = caller.post(events, Map.of("n", 2));
    assertThat(second.json().get("conversationId")).isEqualTo(first.json().get("conversationId"));
    assertThat(second.json().get("messages").get(0).get("payload").get("text").asText()).isEqualTo("echo 2");
    var fresh = caller.post("/v1/triggers/" + trigger.get("id").asText() + "/events?session=s2", Map.of("n", 3));
    assertThat(fresh.json().get("messages").get(0).get("payload").get("text").asText()).isEqualTo("new 3");
    var conversation = app.admin.get("/v1/conversations/" + first.json().get("conversationId").asText()).json();
    assertThat(conversation.get("botVersion").asInt()).isEqualTo(1);
  }
}
