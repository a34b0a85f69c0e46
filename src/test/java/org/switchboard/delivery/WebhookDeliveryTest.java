package org.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.store.FeedPages;
import org.switchboard.support.LocalServer;
import org.switchboard.support.TestApp;

/** Webhooks to a real receiver: envelope, signatures, templates, filters, topics. */
class WebhookDeliveryTest extends DeliveryTestBase {

  @Test
  void aBotMessageIsDeliveredSignedAsAStandardWebhook() {
    JsonNode sub = subscribe(Map.of());
    String secret = sub.get("secret").asText();
    assertThat(secret).startsWith("whsec_");
    JsonNode answer = fire(Map.of("n", 1), "?contact.email=ada@example.com");
    TestApp.eventually(10_000, () -> received("/hook").size() == 1, "the webhook");
    LocalServer.Request request = received("/hook").get(0);
    JsonNode envelope = request.json();
    assertThat(envelope.get("type").asText()).isEqualTo("message.created");
    assertThat(envelope.get("id").asText()).startsWith("ntf_");
    assertThat(envelope.get("createdAt").asText()).endsWith("Z");
    assertThat(envelope.get("data").get("message").get("payload").get("text").asText()).isEqualTo("reply 1");
    assertThat(envelope.get("data").get("conversation").get("id").asText()).isEqualTo(answer.get("conversationId").asText());
    assertThat(envelope.get("data").get("contact").get("email").asText()).isEqualTo("ada@example.com");
    assertThat(envelope.get("data").get("bot").get("id").asText()).isEqualTo(bot);
    String id = request.headers().getFirst("webhook-id");
    String timestamp = request.headers().getFirst("webhook-timestamp");
    assertThat(id).startsWith("dlv_");
    assertThat(Long.parseLong(timestamp)).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(30L));
    assertThat(request.headers().getFirst("webhook-signature"))
        .isEqualTo("v1," + Signer.sign(secret, id, Long.parseLong(timestamp), request.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
    JsonNode delivery = deliveries(sub.get("id").asText()).get(0);
    TestApp.eventually(5_000, () -> deliveries(sub.get("id").asText()).get(0).get("status").asText().equals("succeeded"), "succeeded");
    assertThat(delivery.get("id").asText()).isEqualTo(id);
  }

  @Test
  void templatesHeadersQueryAndMethod() {
    subscribe(Map.of("method", "PUT", "url", receiver.url() + "/custom?fixed=1", "headers", Map.of("X-Tenant", "acme"),
        "queryParams", Map.of("source", "sb", "q", "a b"), "bodyTemplate",
        "{\"text\": \"{{message.payload.text}}\", \"who\": \"{{contact.name}}\", \"type\": \"{{event.type}}\"}"));
    fire(Map.of("n", 2), "?contact.name=Ada&contact.email=ada@example.com");
    TestApp.eventually(10_000, () -> received("/custom").size() == 1, "the webhook");
    LocalServer.Request r = received("/custom").get(0);
    assertThat(r.method()).isEqualTo("PUT");
    assertThat(r.query()).contains("fixed=1").contains("source=sb").contains("q=a+b");
    assertThat(r.headers().getFirst("X-Tenant")).isEqualTo("acme");
    assertThat(r.json().get("text").asText()).isEqualTo("reply 2");
    assertThat(r.json().get("who").asText()).isEqualTo("Ada");
    assertThat(r.json().get("type").asText()).isEqualTo("message.created");
  }

  @Test
  void botAndContactFiltersAndEveryTopic() throws Exception {
    String otherBot = app.bot(project, TestApp.ECHO);
    subscribe(Map.of("url", receiver.url() + "/all", "topics", List.of("*")));
    subscribe(Map.of("url", receiver.url() + "/mine", "botId", otherBot));
    subscribe(Map.of("url", receiver.url() + "/lead", "topics", List.of("custom.*")));
    String project2 = project;
    var contactTrigger = app.trigger(project2, bot, Map.of("waitForResponse", true));
    app.admin.post("/v1/projects/" + project + "/subscriptions", Map.of("topics", List.of("conversation.started"),
        "url", receiver.url() + "/ext", "contactExternalId", "user-7"));
    JsonNode ended = fire(Map.of("n", 3, "lead", true, "bye", true), null);
    var conversation = app.admin.post("/v1/projects/" + project + "/conversations",
        Map.of("botId", bot, "contact", Map.of("externalId", "user-7"))).json();
    TestApp.eventually(10_000, () -> received("/all").size() >= 5, "all topics");
    TestApp.eventually(10_000, () -> received("/ext").size() == 1, "the contact filter");
    TestApp.eventually(10_000, () -> received("/lead").size() == 1, "the custom topic");
    List<String> topics = received("/all").stream().map(r -> r.json().get("type").asText()).toList();
    assertThat(topics).contains("conversation.started", "message.created", "custom.lead", "conversation.ended", "event.completed");
    // The event started its conversation and ended it in one turn: the end carries the conversation as it ended.
    JsonNode end = received("/all").stream().map(LocalServer.Request::json)
        .filter(n -> n.get("type").asText().equals("conversation.ended")).findFirst().orElseThrow();
    assertThat(end.get("data").get("conversation").get("id").asText()).isEqualTo(ended.get("conversationId").asText());
    assertThat(end.get("data").get("conversation").get("status").asText()).isEqualTo("ended");
    assertThat(received("/lead")).hasSize(1);
    assertThat(received("/lead").get(0).json().get("data").get("n").asText()).isEqualTo("3");
    assertThat(received("/ext").get(0).json().get("data").get("conversation").get("id").asText())
        .isEqualTo(conversation.get("id").asText());
    Thread.sleep(300);
    assertThat(received("/mine")).isEmpty();
    assertThat(contactTrigger).isNotNull();
  }

  @Test
  void droppedAndFailedEventsAreNotifiedToo() {
    subscribe(Map.of("topics", List.of("event.dropped", "event.failed")));
    var filtered = app.trigger(project, bot, Map.of("filter", "body.ok == true"));
    var r = app.client(filtered.get("secret").asText()).post("/v1/triggers/" + filtered.get("id").asText() + "/events", Map.of("ok", false));
    assertThat(r.status()).isEqualTo(400);
    String failing = app.bot(project, """
        on: { trigger: { "*": main } }
        nodes:
          main: [ { http: { url: "http://127.0.0.1:9/nothing" } } ]
        """);
    fire(app.trigger(project, failing, Map.of("waitForResponse", true)), Map.of(), null);
    TestApp.eventually(10_000, () -> received("/hook").size() == 2, "both notifications");
    assertThat(received("/hook").stream().map(x -> x.json().get("type").asText())).containsExactlyInAnyOrder("event.dropped", "event.failed");
    JsonNode dropped = received("/hook").stream().filter(x -> x.json().get("type").asText().equals("event.dropped")).findFirst().get().json();
    assertThat(dropped.get("data").get("event").get("dropReason").asText()).isEqualTo("filter");
  }

  @Test
  void aFinishedEventAndABotMessageAreStoredOnceYetDeliveredWhole() {
    subscribe(Map.of("topics", List.of("event.completed", "message.created")));
    JsonNode answer = fire(Map.of("n", 7, "marker", "only-in-the-event-row"), "");
    TestApp.eventually(10_000, () -> received("/hook").size() == 2, "both notifications");
    JsonNode completed = received("/hook").stream().map(LocalServer.Request::json)
        .filter(j -> j.get("type").asText().equals("event.completed")).findFirst().orElseThrow();
    JsonNode created = received("/hook").stream().map(LocalServer.Request::json)
        .filter(j -> j.get("type").asText().equals("message.created")).findFirst().orElseThrow();
    String eventId = answer.get("eventId").asText();
    JsonNode event = completed.get("data").get("event");
    assertThat(event.get("id").asText()).isEqualTo(eventId);
    assertThat(event.get("status").asText()).isEqualTo("completed");
    assertThat(event.get("payload").get("marker").asText()).isEqualTo("only-in-the-event-row");
    assertThat(event.get("result").get("messageIds").get(0).asText()).isEqualTo(created.get("data").get("message").get("id").asText());
    assertThat(created.get("data").fieldNames()).toIterable().containsExactly("message", "conversation", "contact", "bot");
    assertThat(created.get("data").get("message").get("payload").get("text").asText()).isEqualTo("reply 7");
    // The rows hold references: the payload and the message text are stored in their own tables only.
    List<String> stored = app.app.core().db().read(h -> h.createQuery(
        "SELECT entries FROM feed_pages WHERE project_id = :p").bind("p", project).mapTo(byte[].class).list())
        .stream().map(page -> new String(FeedPages.inflate(page), StandardCharsets.UTF_8)).toList();
    assertThat(stored).isNotEmpty().noneMatch(d -> d.contains("only-in-the-event-row") || d.contains("reply 7"));
  }

  @Test
  void aWebhookSentWithoutAClaimCarriesWhatTheFeedReadsBack() {
    // A new delivery goes straight to the idle dispatcher, assembled from what was published, not read back.
    subscribe(Map.of("topics", List.of("*")));
    fire(Map.of("n", 8, "lead", true), "?contact.email=ada@example.com");
    TestApp.eventually(10_000, () -> received("/hook").size() == 4, "every topic");
    Map<String, org.switchboard.model.Notification> feed = app.app.core().db()
        .read(h -> org.switchboard.store.OutboxStore.feedAfter(h, project, 0, 100)).stream()
        .collect(java.util.stream.Collectors.toMap(org.switchboard.model.Notification::id, n -> n));
    assertThat(received("/hook")).allSatisfy(r -> assertThat(r.json()).isEqualTo(
        org.switchboard.model.Json.read(org.switchboard.model.Json.write(feed.get(r.json().get("id").asText()).envelope()))));
    assertThat(received("/hook").stream().map(r -> r.json().get("type").asText()))
        .containsExactlyInAnyOrder("conversation.started", "message.created", "custom.lead", "event.completed");
  }

  @Test
  void aRotatedSecretSignsAlongsideTheOldOneFor24Hours() {
    JsonNode sub = subscribe(Map.of());
    String old = sub.get("secret").asText();
    String fresh = app.admin.post("/v1/subscriptions/" + sub.get("id").asText() + "/rotate-secret", null).json().get("secret").asText();
    assertThat(fresh).isNotEqualTo(old).startsWith("whsec_");
    fire(Map.of("n", 4), null);
    TestApp.eventually(10_000, () -> received("/hook").size() == 1, "the webhook");
    LocalServer.Request r = received("/hook").get(0);
    String id = r.headers().getFirst("webhook-id");
    long ts = Long.parseLong(r.headers().getFirst("webhook-timestamp"));
    byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
    assertThat(r.headers().getFirst("webhook-signature").split(" "))
        .containsExactly("v1," + Signer.sign(fresh, id, ts, body), "v1," + Signer.sign(old, id, ts, body));
  }

  @Test
  void subscriptionsAreValidated() {
    var bad = app.admin.post("/v1/projects/" + project + "/subscriptions", Map.of("topics", List.of("message.deleted"),
        "url", "ftp://x", "method", "TRACE", "headers", Map.of("webhook-id", "x")));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("errors").findValuesAsText("path")).contains("topics[0]", "url", "method", "headers.webhook-id");
    String reader = app.apiKey(project, "project.read");
    JsonNode sub = subscribe(Map.of());
    var seen = app.client(reader).get("/v1/subscriptions/" + sub.get("id").asText()).json();
    assertThat(seen.has("secret")).isFalse();
    assertThat(app.client(reader).post("/v1/projects/" + project + "/subscriptions", Map.of()).status()).isEqualTo(403);
    var patched = app.admin.patch("/v1/subscriptions/" + sub.get("id").asText(), Map.of("status", "disabled"));
    assertThat(patched.json().get("status").asText()).isEqualTo("disabled");
    assertThat(app.admin.delete("/v1/subscriptions/" + sub.get("id").asText()).status()).isEqualTo(204);
    assertThat(app.admin.get("/v1/subscriptions/" + sub.get("id").asText()).status()).isEqualTo(404);
  }

  @Test
  void aDisabledSubscriptionHoldsPendingDeliveriesAndSkipsNewNotifications() throws Exception {
    JsonNode sub = subscribe(Map.of());
    String id = sub.get("id").asText();
    SCRIPT.set(r -> LocalServer.Answer.json(500, Map.of()));
    fire(Map.of("n", 5), null);
    TestApp.eventually(10_000, () -> received("/hook").size() == 1, "the first, failing attempt");
    app.admin.patch("/v1/subscriptions/" + id, Map.of("status", "disabled"));
    SCRIPT.set(r -> LocalServer.Answer.json(200, Map.of()));
    fire(Map.of("n", 6), null);
    Thread.sleep(1500);
    assertThat(received("/hook")).hasSize(1);
    assertThat(deliveries(id)).hasSize(1);
    app.admin.patch("/v1/subscriptions/" + id, Map.of("status", "active"));
    TestApp.eventually(10_000, () -> received("/hook").size() == 2, "the held delivery");
    assertThat(received("/hook").get(1).json().get("data").get("message").get("payload").get("text").asText()).isEqualTo("reply 5");
  }

  @Test
  void aJsonBodyTemplateKeepsValueTypesAndEscapes() {
    var sub = subscribe(Map.of("bodyTemplate", Map.of("text", "{{message.payload.text}}", "payload", "{{message.payload}}",
        "missing", "{{contact.email}}", "note", "n={{message.payload.text}}", "list", List.of("{{bot.id}}"))));
    assertThat(sub.get("bodyTemplate").isObject()).isTrue();
    fire(Map.of("n", "\"quoted\""), null);
    TestApp.eventually(10_000, () -> received("/hook").size() == 1, "one delivery");
    JsonNode body = received("/hook").get(0).json();
    assertThat(body.get("text").asText()).isEqualTo("reply \"quoted\"");
    assertThat(body.get("payload").isObject()).isTrue();
    assertThat(body.get("payload").get("text").asText()).isEqualTo("reply \"quoted\"");
    assertThat(body.get("missing").isNull()).isTrue();
    assertThat(body.get("note").asText()).isEqualTo("n=reply \"quoted\"");
    assertThat(body.get("list").get(0).asText()).isEqualTo(bot);
    var bad = app.admin.post("/v1/projects/" + project + "/subscriptions", Map.of("topics", List.of("message.created"),
        "url", receiver.url() + "/hook", "bodyTemplate", Map.of("x", "{{ not valid")));
    assertThat(bad.status()).isEqualTo(422);
  }
}
