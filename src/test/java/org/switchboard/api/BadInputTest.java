package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.Http;
import org.switchboard.support.TestApp;

/** Whatever a client sends, it gets a clear 4xx problem+json, never a 5xx or a stack trace. */
class BadInputTest extends BothDatabases {
  private String project;
  private JsonNode trigger;
  private Http caller;
  private String events;

  @BeforeEach
  void setUp() {
    project = app.project("bad-input");
    trigger = app.trigger(project, app.bot(project, TestApp.ECHO), Map.of());
    caller = app.client(trigger.get("secret").asText());
    events = "/v1/triggers/" + trigger.get("id").asText() + "/events";
  }

  private static void problem(Http.Response r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode body = r.json();
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("title").asText()).isNotBlank();
    assertThat(body.get("detail").asText()).isNotBlank();
    assertThat(body.get("type").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void bodyOverTheLimit() {
    byte[] big = ("{\"x\": \"" + "a".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    problem(caller.send("POST", events, big, Map.of("Content-Type", "application/json")), 413);
    problem(app.admin.send("POST", "/v1/projects", big, Map.of("Content-Type", "application/json")), 413);
  }

  /** An event payload that cannot be read is the contract's "unreadable body" (415); a management body's is a 400. */
  @Test
  void malformedJson() {
    problem(caller.post(events, "{\"a\": "), 415);
    problem(caller.post(events, "{\"a\": 1} trailing"), 415);
    problem(caller.post(events, "{\"a\": 1, \"a\": 2}"), 415);
    problem(caller.send("POST", events, "{\"a\": ".getBytes(StandardCharsets.UTF_8), Map.of()), 415);
    problem(app.admin.post("/v1/projects", "[1,"), 400);
    problem(app.admin.post("/v1/projects", "[1, 2]"), 400);
    assertThat(app.admin.get("/v1/projects/" + project + "/events?triggerId=" + trigger.get("id").asText())
        .json().get("items")).as("nothing unreadable is stored").isEmpty();
  }

  @Test
  void deepNesting() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    var r = caller.post(events, deep);
    problem(r, 415);
    assertThat(r.json().get("detail").asText()).contains("nested");
    problem(app.admin.post("/v1/projects", deep), 400);
  }

  @Test
  void invalidUtf8() {
    byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    problem(caller.send("POST", events, bad, Map.of("Content-Type", "application/json")), 415);
    problem(caller.send("POST", events, new byte[] {(byte) 0xFF, (byte) 0xFE, 'x'}, Map.of("Content-Type", "text/plain")), 415);
  }

  @Test
  void aQueryFlagIsTrueOrFalse() {
    String conversation = app.admin.post("/v1/projects/" + project + "/conversations",
        Map.of("botId", trigger.get("botId").asText())).json().get("id").asText();
    String messages = "/v1/conversations/" + conversation + "/messages";
    var r = app.admin.post(messages + "?wait=yes", Map.of("text", "hi"));
    problem(r, 400);
    assertThat(r.json().get("detail").asText()).contains("wait");
    assertThat(app.admin.post(messages + "?wait=FALSE", Map.of("text", "hi")).status()).isEqualTo(202);
    assertThat(app.admin.post(messages + "?wait=True", Map.of("text", "hi")).status()).isEqualTo(200);
    assertThat(app.admin.get(messages).json().get("items").findValuesAsText("role"))
        .as("the refused message is not stored").containsExactlyInAnyOrder("user", "user", "bot", "bot");
  }

  @Test
  void aFieldWithTheWrongTypeIsReportedOnce() {
    String conversation = app.admin.post("/v1/projects/" + project + "/conversations",
        Map.of("botId", trigger.get("botId").asText())).json().get("id").asText();
    var r = app.admin.post("/v1/conversations/" + conversation + "/handoff", Map.of("active", "yes"));
    problem(r, 422);
    assertThat(r.json().get("errors")).hasSize(1);
    assertThat(r.json().get("errors").get(0).get("path").asText()).isEqualTo("active");
  }

  @Test
  void unknownIdsAndJunkInThePath() {
    problem(app.admin.get("/v1/bots/bot_00000000000000000000000000"), 404);
    problem(app.admin.get("/v1/events/evt_00000000000000000000000000"), 404);
    problem(app.admin.get("/v1/triggers/nonsense"), 404);
    problem(app.admin.get("/v1/conversations/..%2F..%2Fetc%2Fpasswd"), 404);
    problem(app.admin.get("/v1/contacts/" + "x".repeat(3000)), 404);
    problem(app.admin.get("/v1/projects/prj_%00"), 400); // Jetty refuses a NUL in the path
    problem(app.admin.get("/v1/nothing/here"), 404);
    problem(caller.post("/v1/triggers/trg_nope/events", Map.of()), 404);
    for (String path : List.of("/v1/bots/%ZZ", "/v1/bots/%", "/v1/../../etc/passwd", "/v1/bots/\u00ff")) {
      String raw = app.admin.raw("GET", path);
      assertThat(raw).as(path).matches("(?s)HTTP/1.1 4\\d\\d .*").containsIgnoringCase("content-type: application/problem+json");
    }
  }

  @Test
  void wrongTypesAndValues() {
    var r = app.admin.post("/v1/projects/" + project + "/triggers",
        Map.of("name", 5, "botId", true, "responseTimeoutMs", 10_000_000, "authenticate", "yes", "filter", "body.a ==", "meta", List.of()));
    problem(r, 422);
    assertThat(r.json().get("errors").findValuesAsText("path"))
        .contains("name", "botId", "responseTimeoutMs", "authenticate", "filter", "meta");
    problem(app.admin.get("/v1/projects/" + project + "/events?limit=0"), 400);
    problem(app.admin.get("/v1/projects/" + project + "/events?limit=abc"), 400);
    problem(app.admin.get("/v1/projects/" + project + "/events?cursor=garbage"), 400);
    problem(app.admin.get("/v1/projects/" + project + "/events?status=weird"), 400);
    problem(caller.send("POST", events, Map.of(), Map.of("Idempotency-Key", "k".repeat(300))), 400);
    problem(app.admin.post("/v1/projects/" + project + "/conversations", Map.of("botId", 12)), 422);
  }

  @Test
  void authProblems() {
    problem(app.anonymous().get("/v1/projects"), 401);
    problem(app.client("nope").get("/v1/projects"), 401);
    problem(app.anonymous().send("GET", "/v1/projects", null, Map.of("Authorization", "Basic Zm9vOmJhcg==")), 401);
  }

  @Test
  void junkTriggerIdsInTheInvocationPath() {
    // The invocation route is a bare Jetty handler in front of Javalin (TriggerEndpoint); it refuses the same way.
    problem(caller.post("/v1/triggers/nonsense/events", "{}"), 404);
    problem(caller.post("/v1/triggers/trg_00000000000000000000000000/events", "{}"), 404);
    problem(caller.post("/v1/triggers//events", "{}"), 404);
    assertThat(caller.post(events + "?session=s1&contact.email=a%40b.c", "{}").status()).isEqualTo(202);
  }
}
