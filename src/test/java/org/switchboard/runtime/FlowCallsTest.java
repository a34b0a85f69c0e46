package org.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.model.Json;
import org.switchboard.support.Http;
import org.switchboard.support.LocalServer;
import org.switchboard.support.TestApp;

/** Steps that call out: http, skill and agent, against real local servers. */
class FlowCallsTest extends FlowTestBase {

  @BeforeEach
  void resetModel() {
    MODEL_SCRIPT.clear();
    model.requests.clear();
  }

  @Test
  void httpGetParsesJsonIntoVars() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - http: { method: GET, url: "SHOP/orders/{{event.text}}", into: order, timeout: 5s, onError: sorry }
            - if: 'vars.order.body.status == "shipped"'
              then: [ { say: "Shipped on {{vars.order.body.date}} for {{vars.order.body.total}}." } ]
              else: [ { say: "Status {{vars.order.body.status}} ({{vars.order.status}})." } ]
          sorry: [ { say: "Shop error {{vars.order.status}}." } ]
        """);
    assertThat(c.say("1234")).containsExactly("Shipped on 2026-11-20 for 42.");
    assertThat(c.say("5678")).containsExactly("Status packing (200).");
    assertThat(c.say("9999")).containsExactly("Shop error 404.");
    assertThat(c.vars().get("order").get("headers").get("content-type").asText()).contains("json");
  }

  @Test
  void aTriggerEventWhoseFirstTurnCallsOutRunsOnceAfterItsCommit() {
    // The turn starts inline, says something, then reaches a call: it is dropped unsent and the event runs the
    // usual way, so the message is stored once and the call made once.
    String project = app.project("inline");
    String bot = app.bot(project, """
        on: { trigger: { "*": main } }
        nodes:
          main:
            - say: "before"
            - http: { method: POST, url: "SHOP/echo", body: { n: "{{event.payload.n}}" }, into: posted }
            - say: "after {{vars.posted.status}}"
        """.replace("SHOP", shop.url()));
    JsonNode t = app.trigger(project, bot, Map.of("waitForResponse", true));
    int calls = shop.requests.size();
    var r = fire(app, t, Map.of("n", 9));
    assertThat(r.status()).isEqualTo(200);
    assertThat(texts(r.json().get("messages"))).containsExactly("before", "after 201");
    assertThat(shop.requests.size() - calls).isEqualTo(1);
    assertThat(shop.requests.get(shop.requests.size() - 1).json().get("n").asText()).isEqualTo("9");
    var stored = app.admin.get("/v1/conversations/" + r.json().get("conversationId").asText() + "/messages").json();
    assertThat(texts(stored.get("items"))).containsExactly("before", "after 201");
    // Nor does an acknowledgement wait for a call: the slow one is still running when the 202 comes.
    String slowBot = app.bot(project, SLOW.replace("SHOP", shop.url()));
    JsonNode async = app.trigger(project, slowBot, Map.of());
    var accepted = fire(app, async, Map.of());
    assertThat(accepted.status()).isEqualTo(202);
    String eventId = accepted.json().get("eventId").asText();
    assertThat(app.event(eventId).get("status").asText()).isIn("accepted", "processing");
    assertThat(app.awaitEvent(eventId, "completed").path("result").path("messageIds")).hasSize(1);
  }

  @Test
  void aTurnThatOnlyTalksRunsInlineWhileEveryWorkerSlotIsBusy() {
    // One worker slot, taken by an event whose call takes 3 s: a talking event still finishes before its 202,
    // instead of queueing behind the busy worker.
    try (TestApp single = TestApp.start(kind, Map.of("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true",
        "SWITCHBOARD_WORKER_CONCURRENCY", "1"), true)) {
      String project = single.project("busy");
      String slowBot = single.bot(project, SLOW.replace("SHOP", shop.url()));
      JsonNode slow = single.trigger(project, slowBot, Map.of());
      var busy = fire(single, slow, Map.of());
      String busyId = busy.json().get("eventId").asText();
      TestApp.eventually(2_000, () -> single.event(busyId).get("status").asText().equals("processing"), "the slow event runs");
      JsonNode talking = single.trigger(project, single.bot(project, TestApp.ECHO), Map.of());
      var r = fire(single, talking, Map.of("n", 1));
      assertThat(r.status()).isEqualTo(202);
      assertThat(single.event(r.json().get("eventId").asText()).get("status").asText()).isEqualTo("completed");
      assertThat(single.event(busyId).get("status").asText()).isEqualTo("processing");
    }
  }

  @Test
  void httpPostSendsTemplatedJsonAndHeaders() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - http:
                method: POST
                url: "SHOP/echo"
                headers: { X-Token: "t-{{contact.name}}" }
                body: { text: "{{event.text}}", n: 5, nested: { who: "{{contact.email}}" } }
                into: posted
            - say: "{{vars.posted.status}} {{vars.posted.body.method}} {{vars.posted.body.auth}}"
        """);
    assertThat(c.say("hello")).containsExactly("201 POST t-Ada");
    LocalServer.Request request = shop.requests.get(shop.requests.size() - 1);
    JsonNode body = request.json();
    assertThat(body.get("text").asText()).isEqualTo("hello");
    assertThat(body.get("n").asInt()).isEqualTo(5);
    assertThat(body.get("nested").get("who").asText()).isEqualTo("ada@example.com");
    assertThat(request.headers().getFirst("Content-Type")).startsWith("application/json");
  }

  @Test
  void httpFailureWithoutOnErrorFailsTheEvent() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main: [ { http: { url: "SHOP/missing" } }, { say: "never" } ]
        """);
    JsonNode answer = c.send("x");
    assertThat(answer.get("status").asText()).isEqualTo("failed");
    JsonNode event = c.event(answer);
    assertThat(event.get("result").get("error").asText()).contains("404");
    assertThat(answer.get("replies")).isEmpty();
  }

  @Test
  void httpTimeoutGoesToOnError() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main: [ { http: { url: "SHOP/slow", timeout: 300ms, onError: late } } ]
          late: [ { say: "too slow" } ]
        """);
    JsonNode answer = c.send("x");
    assertThat(texts(answer.get("replies"))).containsExactly("too slow");
    JsonNode call = c.event(answer).get("result").get("actions").findParent("method");
    assertThat(call.get("error").asText()).contains("timed out");
  }

  @Test
  void skillValidatesItsInputAndReturnsTheHttpResult() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - skill: lookupOrder
              input: { id: "{{event.text}}" }
              into: found
            - say: "{{vars.found.body.status}} in {{vars.found.body.id}}"
        skills:
          lookupOrder:
            description: Look up an order by its number
            input: { type: object, properties: { id: { type: string, pattern: "^[0-9]+$" } }, required: [id] }
            http: { method: GET, url: "SHOP/orders/{{input.id}}" }
        """);
    JsonNode ok = c.send("1234");
    assertThat(texts(ok.get("replies"))).containsExactly("shipped in 1234");
    JsonNode skillCall = c.event(ok).get("result").get("actions").findParent("skill");
    assertThat(skillCall.get("skill").asText()).isEqualTo("lookupOrder");
    assertThat(skillCall.get("status").asInt()).isEqualTo(200);
    assertThat(skillCall.has("durationMs")).isTrue();
    JsonNode bad = c.send("abc");
    assertThat(bad.get("status").asText()).isEqualTo("failed");
    assertThat(c.event(bad).get("result").get("error").asText()).contains("input of skill 'lookupOrder' is invalid");
  }

  @Test
  void invalidSkillSchemasAreRejectedAtSaveTime() {
    String project = app.project("schemas");
    var r = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "s", "definition", """
        on: { message: main }
        nodes:
          main: [ { skill: broken } ]
        skills:
          broken:
            input: { type: objekt, required: "id" }
            http: { url: "https://x.example" }
        """));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("errors").findValuesAsText("path")).contains("skills.broken.input");
  }

  /** A flow whose only call takes 3 s (the shop's /slow), then says "done". */
  private static final String SLOW = """
      on: { trigger: { "*": main } }
      nodes:
        main: [ { http: { url: "SHOP/slow", timeout: 10s } }, { say: "done" } ]
      """;

  /** Sends {@code body} to a trigger of {@code node} with the trigger's secret. */
  private static Http.Response fire(TestApp node, JsonNode trigger, Object body) {
    return node.client(trigger.get("secret").asText()).post("/v1/triggers/" + trigger.get("id").asText() + "/events", body);
  }

  private static final String AGENT = """
      on: { message: main, trigger: { "*": main } }
      nodes:
        main:
          - agent: { instructions: "You are the shop assistant for {{contact.name}}.", skills: [lookupOrder], maxSteps: 3 }
      skills:
        lookupOrder:
          description: Look up an order by its number
          input: { type: object, properties: { id: { type: string } }, required: [id] }
          http: { method: GET, url: "SHOP/orders/{{input.id}}" }
      """;

  @Test
  void agentCallsSkillsAsToolsAndAnswers() {
    MODEL_SCRIPT.add(req -> LocalServer.Answer.json(200, Map.of(
        "choices", List.of(Map.of("message", Map.of("role", "assistant", "content", "",
            "tool_calls", List.of(Map.of("id", "call_1", "type", "function",
                "function", Map.of("name", "lookupOrder", "arguments", "{\"id\":\"1234\"}")))))),
        "usage", Map.of("prompt_tokens", 50, "completion_tokens", 10, "total_tokens", 60))));
    MODEL_SCRIPT.add(req -> LocalServer.Answer.json(200, Map.of(
        "choices", List.of(Map.of("message", Map.of("role", "assistant", "content", "Your order 1234 has shipped."))),
        "usage", Map.of("prompt_tokens", 80, "completion_tokens", 8, "total_tokens", 88))));
    Chat c = chat(AGENT);
    JsonNode answer = c.send("Where is order 1234?");
    assertThat(texts(answer.get("replies"))).containsExactly("Your order 1234 has shipped.");
    JsonNode first = model.requests.get(0).json();
    assertThat(first.get("model").asText()).isEqualTo("test-model");
    assertThat(first.get("messages").get(0).get("role").asText()).isEqualTo("system");
    assertThat(first.get("messages").get(0).get("content").asText()).isEqualTo("You are the shop assistant for Ada.");
    assertThat(first.get("messages").findValuesAsText("content")).contains("Where is order 1234?");
    assertThat(first.get("tools").get(0).get("function").get("name").asText()).isEqualTo("lookupOrder");
    assertThat(first.get("tools").get(0).get("function").get("parameters").get("required").get(0).asText()).isEqualTo("id");
    JsonNode second = model.requests.get(1).json();
    JsonNode toolMessage = second.get("messages").get(second.get("messages").size() - 1);
    assertThat(toolMessage.get("role").asText()).isEqualTo("tool");
    assertThat(toolMessage.get("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(Json.read(toolMessage.get("content").asText()).get("status").asText()).isEqualTo("shipped");
    JsonNode agent = c.event(answer).get("result").get("actions").findParent("modelCalls");
    assertThat(agent.get("modelCalls")).hasSize(2);
    assertThat(agent.get("usage").get("totalTokens").asInt()).isEqualTo(148);
    assertThat(agent.get("toolCalls").get(0).get("skill").asText()).isEqualTo("lookupOrder");
    assertThat(agent.get("toolCalls").get(0).get("status").asInt()).isEqualTo(200);
  }

  @Test
  void agentSeesTriggerEventsWithInstructionAndContext() {
    MODEL_SCRIPT.add(req -> LocalServer.Answer.json(200, Map.of(
        "choices", List.of(Map.of("message", Map.of("role", "assistant", "content", "Noted."))))));
    String project = app.project("agent-trigger");
    String bot = app.bot(project, AGENT.replace("SHOP", shop.url()));
    JsonNode trigger = app.trigger(project, bot, Map.of("waitForResponse", true));
    var r = fire(app, trigger, Map.of("instruction", "Summarise the refund", "context", Map.of("orderId", "1234")));
    assertThat(texts(r.json().get("messages"))).containsExactly("Noted.");
    String prompt = model.requests.get(0).json().get("messages").findValuesAsText("content").toString();
    assertThat(prompt).contains("Instruction: Summarise the refund").contains("\"orderId\":\"1234\"");
  }

  @Test
  void agentStopsAfterMaxSteps() {
    for (int i = 0; i < 3; i++) {
      MODEL_SCRIPT.add(req -> LocalServer.Answer.json(200, Map.of("choices", List.of(Map.of("message", Map.of(
          "role", "assistant", "tool_calls", List.of(Map.of("id", "c", "type", "function",
              "function", Map.of("name", "lookupOrder", "arguments", "{\"id\":\"5678\"}")))))))));
    }
    Chat c = chat(AGENT);
    JsonNode answer = c.send("loop forever");
    assertThat(answer.get("status").asText()).isEqualTo("failed");
    assertThat(c.event(answer).get("result").get("error").asText()).contains("maxSteps (3)");
    assertThat(model.requests).hasSize(3);
  }

  @Test
  void agentReportsModelErrors() {
    MODEL_SCRIPT.add(req -> LocalServer.Answer.json(503, Map.of("error", Map.of("message", "model overloaded"))));
    Chat c = chat(AGENT);
    JsonNode answer = c.send("hi");
    assertThat(answer.get("status").asText()).isEqualTo("failed");
    assertThat(c.event(answer).get("result").get("error").asText()).contains("503").contains("model overloaded");
  }
}
