package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.delivery.DeliveryTestBase;
import org.switchboard.delivery.Signer;
import org.switchboard.support.Http;
import org.switchboard.support.LocalServer;
import org.switchboard.support.TestApp;

/** Botpress Messaging: channels with the install check, inbound validation and de-duplication, ordered outbound. */
class BotpressMessagingTest extends DeliveryTestBase {
  private static final String FLOW = """
      on:
        message: main
      nodes:
        main:
          - switch: event.text
            cases:
              silent: []
              two: [ { say: "first" }, { say: "second" } ]
            default: [ { say: "you said {{event.text}}" } ]
      """;
  private String botpressBot;
  private JsonNode channel;
  private Http caller;

  @BeforeEach
  void channel() {
    botpressBot = app.bot(project, FLOW);
    channel = createChannel(receiver.url() + "/bp");
    caller = app.anonymous();
  }

  private JsonNode createChannel(String url) {
    var r = app.admin.post("/v1/projects/" + project + "/channels",
        Map.of("type", "botpress-messaging", "botId", botpressBot, "responseEndpointUrl", url));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private Http.Response send(Map<String, Object> body, String token) {
    String path = "/api/botpress/messaging/" + channel.get("id").asText();
    return caller.send("POST", path, body, token == null ? Map.of() : Map.of("Authorization", "bearer " + token));
  }

  /** The seed's request body. */
  private static Map<String, Object> message(String messageId, String conversationId, String text) {
    Map<String, Object> body = new HashMap<>();
    body.put("userId", "user-42");
    body.put("messageId", messageId);
    body.put("conversationId", conversationId);
    body.put("type", "text");
    body.put("text", text);
    body.put("payload", Map.of("source", "crm"));
    return body;
  }

  private List<JsonNode> bodies() {
    return received("/bp").stream().map(LocalServer.Request::json).filter(b -> !"test".equals(b.path("type").asText())).toList();
  }

  @Test
  void theInstallCheckMustAnswer2xx() {
    LocalServer.Request check = received("/bp").get(0);
    assertThat(check.json()).isEqualTo(TestApp.json("{\"type\":\"test\",\"payload\":\"test\"}"));
    String id = check.headers().getFirst("webhook-id");
    long ts = Long.parseLong(check.headers().getFirst("webhook-timestamp"));
    assertThat(check.headers().getFirst("webhook-signature")).isEqualTo("v1," + Signer.sign(channel.get("secret").asText(),
        id, ts, check.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(channel.get("webhookUrl").asText()).endsWith("/api/botpress/messaging/" + channel.get("id").asText());

    SCRIPT.set(r -> LocalServer.Answer.json(500, Map.of("down", true)));
    var refused = app.admin.post("/v1/projects/" + project + "/channels",
        Map.of("type", "botpress-messaging", "botId", botpressBot, "responseEndpointUrl", receiver.url() + "/bp"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().get("errors").get(0).get("path").asText()).isEqualTo("responseEndpointUrl");
    var moved = app.admin.patch("/v1/channels/" + channel.get("id").asText(), Map.of("responseEndpointUrl", receiver.url() + "/elsewhere"));
    assertThat(moved.status()).as("a changed URL is checked again").isEqualTo(422);
    assertThat(app.admin.get("/v1/channels/" + channel.get("id").asText()).json().get("responseEndpointUrl").asText()).endsWith("/bp");
    var unreachable = app.admin.post("/v1/projects/" + project + "/channels",
        Map.of("type", "botpress-messaging", "botId", botpressBot, "responseEndpointUrl", "http://127.0.0.1:1/none"));
    assertThat(unreachable.status()).isEqualTo(422);
    var badType = app.admin.post("/v1/projects/" + project + "/channels", Map.of("type", "fax", "botId", botpressBot));
    assertThat(badType.status()).isEqualTo(422);
  }

  @Test
  void messagesAreAnsweredOneByOneInOrder() {
    String key = app.apiKey(project, "project.conversation");
    var first = send(message("m-1", "conv-a", "two"), key);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonNode ids = first.json();
    assertThat(ids.get("message").get("id").asText()).startsWith("msg_");
    assertThat(ids.get("user").get("id").asText()).startsWith("ctc_");
    assertThat(ids.get("conversation").get("id").asText()).startsWith("cnv_");
    TestApp.eventually(10_000, () -> bodies().size() == 2, "two bot messages delivered");
    List<JsonNode> out = bodies();
    assertThat(out).extracting(b -> b.get("payload").get("text").asText()).containsExactly("first", "second");
    JsonNode one = out.get(0);
    assertThat(one.get("type").asText()).isEqualTo("text");
    assertThat(one.get("conversationId").asText()).isEqualTo("conv-a");
    assertThat(one.get("botpressUserId").asText()).isEqualTo(ids.get("user").get("id").asText());
    assertThat(one.get("botpressConversationId").asText()).isEqualTo(ids.get("conversation").get("id").asText());
    assertThat(one.get("botpressMessageId").asText()).startsWith("msg_").isNotEqualTo(out.get(1).get("botpressMessageId").asText());

    JsonNode userMessage = app.admin.get("/v1/conversations/" + ids.get("conversation").get("id").asText() + "/messages")
        .json().get("items").get(0);
    assertThat(userMessage.get("role").asText()).isEqualTo("user");
    assertThat(userMessage.get("payload").get("text").asText()).as("payload.text defaults to text").isEqualTo("two");
    assertThat(userMessage.get("payload").get("source").asText()).isEqualTo("crm");

    var silent = send(message("m-2", "conv-a", "silent"), key);
    assertThat(silent.json().get("conversation")).isEqualTo(ids.get("conversation"));
    app.awaitEvent(app.admin.get("/v1/projects/" + project + "/events?conversationId=" + ids.get("conversation").get("id").asText())
        .json().get("items").get(0).get("id").asText(), "completed");
    var other = send(message("m-3", "conv-b", "hello"), key);
    assertThat(other.json().get("conversation")).isNotEqualTo(ids.get("conversation"));
    assertThat(other.json().get("user")).isEqualTo(ids.get("user"));
    TestApp.eventually(10_000, () -> bodies().size() == 3, "the third answer");
    assertThat(bodies().get(2).get("conversationId").asText()).isEqualTo("conv-b");
    JsonNode contact = app.admin.get("/v1/contacts/" + ids.get("user").get("id").asText()).json();
    assertThat(contact.get("externalId").asText()).isEqualTo("user-42");
  }

  @Test
  void aRepeatedMessageIdIsNotProcessedAgain() {
    String key = app.apiKey(project, "project.conversation");
    var first = send(message("dup-1", "conv-d", "hello"), key);
    var again = send(message("dup-1", "conv-d", "hello"), key);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    TestApp.eventually(10_000, () -> bodies().size() == 1, "one answer");
    String conversation = first.json().get("conversation").get("id").asText();
    JsonNode messages = app.admin.get("/v1/conversations/" + conversation + "/messages").json().get("items");
    assertThat(messages).filteredOn(m -> m.get("role").asText().equals("user")).hasSize(1);
    assertThat(app.admin.get("/v1/projects/" + project + "/events?conversationId=" + conversation).json().get("items")).hasSize(1);
  }

  @Test
  void aMessageIdWhoseFirstEventIsGoneIsTakenAsNew() {
    String key = app.apiKey(project, "project.conversation");
    var first = send(message("gone-1", "conv-g", "hello"), key);
    // What a log retention shorter than the 30-day window leaves: the key, without its event.
    app.app.core().db().write(h -> h.execute("UPDATE idempotency_keys SET event_id = 'evt_removed' WHERE idem_key = 'gone-1'"));
    var again = send(message("gone-1", "conv-g", "hello"), key);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    String conversation = first.json().get("conversation").get("id").asText();
    TestApp.eventually(10_000, () -> bodies().size() == 2, "both answered");
    JsonNode messages = app.admin.get("/v1/conversations/" + conversation + "/messages").json().get("items");
    assertThat(messages).filteredOn(m -> m.get("role").asText().equals("user")).hasSize(2);
  }

  @Test
  void failedDeliveriesAreRetriedBeforeTheNextMessage() {
    AtomicInteger calls = new AtomicInteger();
    SCRIPT.set(r -> r.body().contains("\"first\"") && calls.getAndIncrement() == 0
        ? LocalServer.Answer.json(503, Map.of()) : LocalServer.Answer.json(200, Map.of()));
    send(message("r-1", "conv-r", "two"), app.apiKey(project, "project.conversation"));
    TestApp.eventually(20_000, () -> bodies().size() == 3, "first (failed), first again, then second");
    assertThat(bodies()).extracting(b -> b.get("payload").get("text").asText()).containsExactly("first", "first", "second");
  }

  @Test
  void everyIssueIsNamed() {
    String key = app.apiKey(project, "project.conversation");
    var empty = send(Map.of(), key);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().get("type").asText()).isEqualTo("InvalidPayload");
    assertThat(empty.json().get("code").asInt()).isEqualTo(400);
    assertThat(empty.json().get("message").asText()).contains("userId", "messageId", "conversationId", "type", "text");
    Map<String, Object> wrong = message("w-1", "conv-w", "");
    wrong.put("userId", 42);
    wrong.put("payload", "not an object");
    var mistyped = send(wrong, key);
    assertThat(mistyped.status()).isEqualTo(400);
    assertThat(mistyped.json().get("issues")).extracting(i -> i.get("path").asText()).containsExactly("userId", "text", "payload");
    var notJson = caller.send("POST", "/api/botpress/messaging/" + channel.get("id").asText(), "{nope",
        Map.of("Authorization", "bearer " + key, "Content-Type", "application/json"));
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().get("type").asText()).isEqualTo("InvalidPayload");
  }

  @Test
  void callersMustHoldAConversationKeyOfTheChannelsProject() {
    var none = send(message("a-1", "c", "hi"), null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().get("type").asText()).isEqualTo("Unauthorized");
    assertThat(send(message("a-2", "c", "hi"), "wrong-token").status()).isEqualTo(401);
    assertThat(send(message("a-3", "c", "hi"), app.apiKey(project, "project.read")).status()).isEqualTo(403);
    String stranger = app.apiKey(app.project("elsewhere"), "project.admin");
    var other = send(message("a-4", "c", "hi"), stranger);
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.json().get("type").asText()).isEqualTo("ResourceNotFound");
    var unknown = caller.send("POST", "/api/botpress/messaging/chn_00000000000000000000000000", message("a-5", "c", "hi"),
        Map.of("Authorization", "Bearer " + app.apiKey(project, "project.conversation")));
    assertThat(unknown.status()).isEqualTo(404);
  }

  @Test
  void deletingTheChannelStopsItsDeliveries() {
    String id = channel.get("id").asText();
    String subscription = channel.get("subscriptionId").asText();
    assertThat(app.admin.get("/v1/subscriptions/" + subscription).json().get("channelId").asText()).isEqualTo(id);
    assertThat(app.admin.delete("/v1/channels/" + id).status()).isEqualTo(204);
    assertThat(app.admin.get("/v1/subscriptions/" + subscription).status()).isEqualTo(404);
    assertThat(send(message("d-1", "c", "hi"), app.apiKey(project, "project.conversation")).status()).isEqualTo(404);
  }
}
