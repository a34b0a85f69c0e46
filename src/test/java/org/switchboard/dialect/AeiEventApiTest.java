package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.delivery.DeliveryTestBase;
import org.switchboard.model.Json;
import org.switchboard.support.Http;
import org.switchboard.support.LocalServer;
import org.switchboard.support.TestApp;
import org.switchboard.support.WsClient;

/** AEI Studio's Event API: ExternalTrigger, ReloadSession, webhook subscriptions and the WebSocket. */
class AeiEventApiTest extends DeliveryTestBase {
  private static final String FLOW = """
      on:
        trigger: { reminder: remind }
        message: main
      nodes:
        remind: [ { say: "Time for your pill" } ]
        main:
          - switch: event.text
            cases:
              menu:
                - ask: "Pick one"
                  into: pick
                  choices: [ { label: "Red", value: r }, { label: "Blue", value: b } ]
                - say: "picked {{vars.pick}}"
              card:
                - say: { type: card, title: "Your order", actions: [ { action: url, label: "Track", value: "https://example.com/t" }, { action: postback, label: "Again", value: again } ] }
            default: [ { say: "you said {{event.text}}" } ]
      """;
  private String aeiBot;
  private String key;
  private Http api;

  @BeforeEach
  void aeiBot() {
    aeiBot = app.bot(project, FLOW);
    key = app.apiKey(project, "project.admin");
    api = app.anonymous();
  }

  private Http.Response call(String method, String path, Object body) {
    return api.send(method, path + (path.contains("?") ? "&" : "?") + "api_key=" + key, body, Map.of());
  }

  private JsonNode messagesOf(String conversationId) {
    return app.admin.get("/v1/conversations/" + conversationId + "/messages").json().get("items");
  }

  @Test
  void externalTriggerRunsTheFlowsEntryPointInTheUsersConversation() {
    var fired = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "abcdef", "botId", aeiBot, "triggerId", "reminder"));
    assertThat(fired.status()).as(fired.body()).isEqualTo(202);
    JsonNode event = app.awaitEvent(fired.json().get("eventId").asText(), "completed");
    assertThat(event.get("source").asText()).isEqualTo("aei");
    String conversation = fired.json().get("conversationId").asText();
    assertThat(messagesOf(conversation).get(0).get("payload").get("text").asText()).isEqualTo("Time for your pill");

    var again = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "abcdef", "botId", aeiBot, "triggerId", "reminder"));
    assertThat(again.json().get("conversationId").asText()).as("joins the open conversation").isEqualTo(conversation);
    var otherUser = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "zzz", "botId", aeiBot, "triggerId", "reminder"));
    assertThat(otherUser.json().get("conversationId").asText()).isNotEqualTo(conversation);
  }

  @Test
  void withoutBotIdTheUsersMostRecentBotWithThatTriggerIsChosen() {
    String plain = app.bot(project, TestApp.ECHO);
    String another = app.bot(project, FLOW);
    assertThat(call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "u1", "triggerId", "reminder")).status())
        .as("a user with no conversations has no bot").isEqualTo(404);
    // u1 talks to `another` first, then to `aeiBot`, then to the echo bot (which has no such entry point).
    for (String bot : List.of(another, aeiBot, plain)) {
      var r = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "u1", "botId", bot, "triggerId", "reminder"));
      app.awaitEvent(r.json().get("eventId").asText(), "completed");
    }
    var chosen = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "u1", "triggerId", "REMINDER"));
    assertThat(chosen.status()).isEqualTo(202);
    JsonNode conversation = app.admin.get("/v1/conversations/" + chosen.json().get("conversationId").asText()).json();
    assertThat(conversation.get("botId").asText()).isEqualTo(aeiBot);
    var none = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "u1", "triggerId", "nope"));
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().get("error").asText()).contains("nope");
  }

  @Test
  void reloadSessionMovesOpenConversationsToTheLatestVersion() {
    var a = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "ra", "botId", aeiBot, "triggerId", "reminder"));
    var b = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "rb", "botId", aeiBot, "triggerId", "reminder"));
    app.awaitEvent(b.json().get("eventId").asText(), "completed");
    var draft = app.admin.send("PUT", "/v1/bots/" + aeiBot + "/draft", Map.of("definition", FLOW.replace("Time for", "Now is time for")), Map.of());
    assertThat(draft.status()).as(draft.body()).isEqualTo(200);
    assertThat(app.admin.post("/v1/bots/" + aeiBot + "/publish", Map.of()).status()).isEqualTo(201);
    var one = call("POST", "/api/events/publish/ReloadSession", Map.of("userId", "ra", "botId", aeiBot));
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(one.json().get("reloaded").asInt()).isEqualTo(1);
    String ca = a.json().get("conversationId").asText();
    assertThat(app.admin.get("/v1/conversations/" + ca).json().get("botVersion").asInt()).isEqualTo(2);
    assertThat(app.admin.get("/v1/conversations/" + b.json().get("conversationId").asText()).json().get("botVersion").asInt()).isEqualTo(1);
    Map<String, Object> everyone = new HashMap<>();
    everyone.put("userId", null);
    everyone.put("botId", aeiBot);
    assertThat(call("POST", "/api/events/publish/ReloadSession", everyone).json().get("reloaded").asInt()).isEqualTo(2);
    assertThat(app.admin.get("/v1/conversations/" + b.json().get("conversationId").asText()).json().get("botVersion").asInt()).isEqualTo(2);
  }

  @Test
  void subscriptionsCallTheWebhookWithItsTemplateOrTheEvent() {
    Map<String, Object> templated = Map.of("topic", "BotMessage", "userId", "s1", "botId", aeiBot, "sendEventAsBody", false,
        "webhook", Map.of("method", "PUT", "url", receiver.url() + "/templated", "queryParams", Map.of("key", "abc"),
            "body", "{\n\"value1\": \"{{message.payload.text}}\",\n\"value2\": \"\"\n}"));
    var first = call("POST", "/api/events/subscribe", templated);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    Map<String, Object> asEvent = Map.of("topic", "BotMessage", "sendEventAsBody", true,
        "webhook", Map.of("method", "POST", "url", receiver.url() + "/event", "body", "ignored"));
    var second = call("POST", "/api/events/subscribe", asEvent);
    assertThat(second.status()).isEqualTo(201);

    call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "s1", "botId", aeiBot, "triggerId", "reminder"));
    call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "s2", "botId", aeiBot, "triggerId", "reminder"));
    TestApp.eventually(10_000, () -> received("/templated").size() == 1 && received("/event").size() == 2, "three deliveries");
    LocalServer.Request put = received("/templated").get(0);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.query()).isEqualTo("key=abc");
    assertThat(put.json().get("value1").asText()).isEqualTo("Time for your pill");
    assertThat(put.headers().getFirst("webhook-signature")).startsWith("v1,");
    JsonNode body = received("/event").stream().map(LocalServer.Request::json)
        .filter(j -> j.get("userId").asText().equals("s1")).findFirst().orElseThrow();
    assertThat(body.get("botId").asText()).isEqualTo(aeiBot);
    assertThat(body.get("message").get("payload").get("text").asText()).isEqualTo("Time for your pill");

    JsonNode list = call("GET", "/api/events/subscriptions", null).json();
    assertThat(list).hasSize(2);
    JsonNode listed = list.get(0).get("id").asText().equals(first.json().get("id").asText()) ? list.get(0) : list.get(1);
    assertThat(listed.get("topic").asText()).isEqualTo("BotMessage");
    assertThat(listed.get("userId").asText()).isEqualTo("s1");
    assertThat(listed.get("botId").asText()).isEqualTo(aeiBot);
    assertThat(listed.get("webhook").get("method").asText()).isEqualTo("PUT");
    assertThat(listed.get("sendEventAsBody").asBoolean()).isFalse();
    assertThat(call("DELETE", "/api/events/subscriptions/" + first.json().get("id").asText(), null).status()).isEqualTo(204);
    assertThat(call("GET", "/api/events/subscriptions", null).json()).hasSize(1);
    assertThat(call("DELETE", "/api/events/subscriptions/" + first.json().get("id").asText(), null).status()).isEqualTo(404);
  }

  @Test
  void wrongInputGetsAeiErrors() {
    var missing = call("POST", "/api/events/publish/ExternalTrigger", Map.of("botId", 1));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("error").asText()).contains("userId", "botId", "triggerId");
    assertThat(call("POST", "/api/events/subscribe", Map.of("topic", "UserMessage", "webhook", Map.of("url", "http://x"))).status()).isEqualTo(400);
    assertThat(call("POST", "/api/events/subscribe", Map.of("topic", "BotMessage", "webhook", Map.of("url", "http://x", "method", "PATCH"))).status()).isEqualTo(400);
    var badUrl = call("POST", "/api/events/subscribe", Map.of("topic", "BotMessage", "webhook", Map.of("url", "not a url")));
    assertThat(badUrl.status()).isEqualTo(422);
    assertThat(badUrl.json().get("error").asText()).contains("url");
    var noKey = api.post("/api/events/publish/ExternalTrigger", Map.of("userId", "u", "triggerId", "t"));
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.json().get("error").asText()).isNotBlank();
    String reader = app.apiKey(project, "project.read");
    var forbidden = api.send("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "u", "triggerId", "t"), Map.of("x-api-key", reader));
    assertThat(forbidden.status()).isEqualTo(403);
    var unknownBot = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "u", "botId", "bot_x", "triggerId", "t"));
    assertThat(unknownBot.status()).isEqualTo(404);
  }

  @Test
  void theWebSocketCarriesUserAndBotMessagesIncludingTriggeredOnes() throws Exception {
    String url = app.admin.base().replace("http://", "ws://") + "/api/ws?botId=" + aeiBot + "&userId=w1&timezone=Europe/Paris&api_key="
        + app.apiKey(project, "project.conversation", "project.trigger");
    try (WsClient ws = new WsClient(url)) {
      ws.send(Json.write(Map.of("action", "userMessage", "data", Json.write(Map.of("text", "hello")))));
      JsonNode reply = botMessage(ws);
      assertThat(reply.get("text").asText()).isEqualTo("you said hello");
      assertThat(reply.get("buttons")).isEmpty();

      ws.send(Json.write(Map.of("action", "userMessage", "data", Json.write(Map.of("text", "menu")))));
      JsonNode choice = botMessage(ws);
      assertThat(choice.get("text").asText()).isEqualTo("Pick one");
      assertThat(choice.get("buttons")).extracting(b -> b.get("text").asText() + "=" + b.get("key").asText()).containsExactly("Red=r", "Blue=b");
      ws.send(Json.write(Map.of("action", "userMessage", "data", Json.write(Map.of("key", "b")))));
      assertThat(botMessage(ws).get("text").asText()).isEqualTo("picked b");

      ws.send(Json.write(Map.of("action", "userMessage", "data", Json.write(Map.of("text", "card")))));
      JsonNode card = botMessage(ws);
      assertThat(card.get("text").asText()).isEqualTo("Your order");
      assertThat(card.get("link").asText()).isEqualTo("https://example.com/t");
      assertThat(card.get("buttons").get(0).get("key").asText()).isEqualTo("again");

      var fired = call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "w1", "botId", aeiBot, "triggerId", "reminder"));
      assertThat(botMessage(ws).get("text").asText()).as("a trigger's message reaches the open socket").isEqualTo("Time for your pill");
      call("POST", "/api/events/publish/ExternalTrigger", Map.of("userId", "someone-else", "botId", aeiBot, "triggerId", "reminder"));
      assertThat(ws.next(1_000)).as("other users' messages stay away").isNull();
      JsonNode conversation = app.admin.get("/v1/conversations/" + fired.json().get("conversationId").asText()).json();
      assertThat(messagesOf(conversation.get("id").asText())).hasSizeGreaterThan(6);

      ws.send("{not json");
      assertThat(Json.read(ws.next(5_000)).get("action").asText()).isEqualTo("error");
    }
    try (WsClient refused = new WsClient(app.admin.base().replace("http://", "ws://") + "/api/ws?botId=" + aeiBot + "&userId=w1&api_key=wrong")) {
      assertThat(refused.closeStatus()).isEqualTo(4401);
    }
    try (WsClient noUser = new WsClient(app.admin.base().replace("http://", "ws://") + "/api/ws?botId=" + aeiBot + "&api_key=" + key)) {
      assertThat(noUser.closeStatus()).isEqualTo(4400);
    }
    var plain = api.get("/api/ws?botId=" + aeiBot + "&userId=w1");
    assertThat(plain.status()).as("a plain GET of the socket's address").isEqualTo(426);
    assertThat(plain.header("Upgrade")).isEqualTo("websocket");
    assertThat(plain.json().get("error").asText()).contains("WebSocket");
  }

  private static JsonNode botMessage(WsClient ws) throws InterruptedException {
    String frame = ws.next(10_000);
    assertThat(frame).as("a botMessage frame").isNotNull();
    JsonNode json = Json.read(frame);
    assertThat(json.get("action").asText()).isEqualTo("botMessage");
    assertThat(json.get("data").isTextual()).as("data is a JSON string").isTrue();
    return Json.read(json.get("data").asText());
  }
}
