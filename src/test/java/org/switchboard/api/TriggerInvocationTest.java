package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.Http;
import org.switchboard.support.TestApp;

class TriggerInvocationTest extends BothDatabases {
  private String project;
  private String bot;

  @BeforeEach
  void setUp() {
    project = app.project("invocations");
    bot = app.bot(project, TestApp.ECHO);
  }

  private Http caller(JsonNode trigger) { return app.client(trigger.get("secret").asText()); }

  private String events(JsonNode trigger) { return "/v1/triggers/" + trigger.get("id").asText() + "/events"; }

  @Test
  void acceptsAtOnceThenProcessesInTheBackground() {
    JsonNode t = app.trigger(project, bot, Map.of());
    var r = caller(t).post(events(t), Map.of("n", 7));
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.json().get("status").asText()).isEqualTo("accepted");
    String eventId = r.json().get("eventId").asText();
    JsonNode event = app.awaitEvent(eventId, "completed");
    assertThat(event.get("source").asText()).isEqualTo("native");
    assertThat(event.get("payload").get("n").asInt()).isEqualTo(7);
    assertThat(event.get("attempts").asInt()).isEqualTo(1);
    assertThat(event.get("result").get("messageIds")).hasSize(1);
    var messages = app.admin.get("/v1/conversations/" + r.json().get("conversationId").asText() + "/messages").json();
    assertThat(messages.get("items").get(0).get("payload").get("text").asText()).isEqualTo("echo 7");
  }

  @Test
  void aFirstTurnThatCallsNothingIsStoredWithItsEvent() {
    // No session and no contact: the event starts a conversation, and a bot that only says finishes it before
    // the acknowledgement (one commit), not later in the background.
    JsonNode t = app.trigger(project, bot, Map.of());
    var r = caller(t).post(events(t), Map.of("n", 4));
    assertThat(r.status()).isEqualTo(202);
    JsonNode event = app.event(r.json().get("eventId").asText());
    assertThat(event.get("status").asText()).isEqualTo("completed");
    assertThat(event.get("attempts").asInt()).isEqualTo(1);
    assertThat(event.get("startedAt").isNull()).isFalse();
    assertThat(event.get("result").get("messageIds")).hasSize(1);
    JsonNode conversation = app.admin.get("/v1/conversations/" + r.json().get("conversationId").asText()).json();
    assertThat(conversation.get("status").asText()).isEqualTo("active");
    var messages = app.admin.get("/v1/conversations/" + conversation.get("id").asText() + "/messages").json();
    assertThat(messages.get("items")).hasSize(1);
    assertThat(messages.get("items").get(0).get("payload").get("text").asText()).isEqualTo("echo 4");
    // With a session key the event may join an open conversation: it takes the queue and still completes, once.
    JsonNode sessions = app.trigger(project, bot, Map.of("sessionDurationSeconds", 600));
    var joined = caller(sessions).post(events(sessions) + "?session=s1", Map.of("n", 5));
    assertThat(app.awaitEvent(joined.json().get("eventId").asText(), "completed").get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void waitingTriggerAnswersWithTheReplies() {
    JsonNode t = app.trigger(project, bot, Map.of("waitForResponse", true));
    var r = caller(t).post(events(t), Map.of("n", 3));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("status").asText()).isEqualTo("completed");
    assertThat(r.json().get("messages").get(0).get("payload").get("text").asText()).isEqualTo("echo 3");
    assertThat(r.json().get("messages").get(0).get("role").asText()).isEqualTo("bot");
  }

  @Test
  void authentication() {
    JsonNode t = app.trigger(project, bot, Map.of());
    assertThat(app.anonymous().post(events(t), Map.of()).status()).isEqualTo(401);
    assertThat(app.client("whtrg_wrong").post(events(t), Map.of()).status()).isEqualTo(401);
    assertThat(app.client(app.apiKey(project, "project.trigger")).post(events(t), Map.of()).status()).isEqualTo(202);
    assertThat(app.client(app.apiKey(project, "project.admin")).post(events(t), Map.of()).status()).isEqualTo(202);
    var readOnly = app.client(app.apiKey(project, "project.read")).post(events(t), Map.of());
    assertThat(readOnly.status()).isEqualTo(403);
    assertThat(readOnly.contentType()).startsWith("application/problem+json");
    String other = app.project("other");
    assertThat(app.client(app.apiKey(other, "project.trigger")).post(events(t), Map.of()).status()).isEqualTo(403);
    JsonNode open = app.trigger(project, bot, Map.of("authenticate", false));
    assertThat(app.anonymous().post(events(open), Map.of()).status()).isEqualTo(202);
  }

  /**
   * A refusal sent before the body arrived ends its connection, and says so: a client that kept the connection for
   * its next request would otherwise find it closed under that request (a flaky test showed it).
   */
  @Test
  void aRefusalBeforeTheBodySaysTheConnectionCloses() throws Exception {
    JsonNode t = app.trigger(project, bot, Map.of());
    app.admin.patch("/v1/triggers/" + t.get("id").asText(), Map.of("status", "paused"));
    java.net.URI base = java.net.URI.create(app.admin.base());
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      // Keep-alive, and the declared body never sent: the answer comes before it.
      socket.getOutputStream().write(("POST " + events(t) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Authorization: Bearer " + t.get("secret").asText() + "\r\nContent-Length: 2\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      String head = new String(socket.getInputStream().readNBytes(512), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(head).startsWith("HTTP/1.1 404");
      assertThat(head.toLowerCase()).contains("connection: close");
    }
    // With the body sent, the clients' next request works (their connections are pooled together), whether the
    // refusal kept its connection or said that it closes.
    assertThat(caller(t).post(events(t), Map.of()).status()).isEqualTo(404);
    assertThat(app.admin.patch("/v1/triggers/" + t.get("id").asText(), Map.of("status", "active")).status()).isEqualTo(200);
  }

  @Test
  void pausedAndDeletedTriggersAreNotFound() {
    JsonNode t = app.trigger(project, bot, Map.of());
    String id = t.get("id").asText();
    assertThat(app.admin.patch("/v1/triggers/" + id, Map.of("status", "paused")).json().get("status").asText()).isEqualTo("paused");
    assertThat(caller(t).post(events(t), Map.of()).status()).isEqualTo(404);
    app.admin.patch("/v1/triggers/" + id, Map.of("status", "active"));
    assertThat(caller(t).post(events(t), Map.of()).status()).isEqualTo(202);
    assertThat(app.admin.delete("/v1/triggers/" + id).status()).isEqualTo(204);
    assertThat(caller(t).post(events(t), Map.of()).status()).isEqualTo(404);
    assertThat(app.admin.get("/v1/triggers/" + id).status()).isEqualTo(404);
  }

  @Test
  void rotatedSecretReplacesTheOldOne() {
    JsonNode t = app.trigger(project, bot, Map.of());
    var rotated = app.admin.post("/v1/triggers/" + t.get("id").asText() + "/rotate-secret", null);
    String secret = rotated.json().get("secret").asText();
    assertThat(secret).isNotEqualTo(t.get("secret").asText());
    assertThat(caller(t).post(events(t), Map.of()).status()).isEqualTo(401);
    assertThat(app.client(secret).post(events(t), Map.of()).status()).isEqualTo(202);
  }

  @Test
  void filterDropsButRecordsTheEvent() {
    JsonNode t = app.trigger(project, bot, Map.of("filter", "body.kind == 'order' && headers['x-shop'] == 'a' && query.v == '1'"));
    var dropped = caller(t).send("POST", events(t) + "?v=1", Map.of("kind", "refund"), Map.of("x-shop", "a"));
    assertThat(dropped.status()).isEqualTo(400);
    assertThat(dropped.json().get("reason").asText()).isEqualTo("filter");
    JsonNode event = app.event(dropped.json().get("eventId").asText());
    assertThat(event.get("status").asText()).isEqualTo("dropped");
    assertThat(event.get("dropReason").asText()).isEqualTo("filter");
    var missingKey = caller(t).send("POST", events(t) + "?v=1", Map.of("other", 1), Map.of("x-shop", "a"));
    assertThat(missingKey.status()).isEqualTo(400);
    var passed = caller(t).send("POST", events(t) + "?v=1", Map.of("kind", "order"), Map.of("x-shop", "a"));
    assertThat(passed.status()).isEqualTo(202);
  }

  @Test
  void duplicatesAreSuppressedWithinTheWindow() throws Exception {
    JsonNode t = app.trigger(project, bot, Map.of("ignoreDuplicates", true, "duplicateWindowSeconds", 1));
    var first = caller(t).post(events(t), Map.of("a", 1, "b", List.of(1, 2)));
    assertThat(first.status()).isEqualTo(202);
    var again = caller(t).post(events(t), "{\"b\": [1, 2], \"a\": 1}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("reason").asText()).isEqualTo("duplicate");
    assertThat(again.json().get("originalEventId").asText()).isEqualTo(first.json().get("eventId").asText());
    assertThat(app.event(again.json().get("eventId").asText()).get("status").asText()).isEqualTo("dropped");
    assertThat(caller(t).post(events(t), Map.of("a", 2)).status()).isEqualTo(202);
    Thread.sleep(1100);
    assertThat(caller(t).post(events(t), Map.of("a", 1, "b", List.of(1, 2))).status()).isEqualTo(202);
  }

  @Test
  void repeatedIdempotencyKeyAnswersTheFirstAnswer() {
    JsonNode t = app.trigger(project, bot, Map.of());
    var first = caller(t).send("POST", events(t), Map.of("n", 1), Map.of("Idempotency-Key", "abc"));
    var second = caller(t).send("POST", events(t), Map.of("n", 2), Map.of("Idempotency-Key", "abc"));
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.json().get("eventId")).isEqualTo(first.json().get("eventId"));
    var list = app.admin.get("/v1/projects/" + project + "/events?triggerId=" + t.get("id").asText()).json();
    assertThat(list.get("items")).hasSize(1);
    var other = caller(t).send("POST", events(t), Map.of("n", 1), Map.of("Idempotency-Key", "xyz"));
    assertThat(other.json().get("eventId")).isNotEqualTo(first.json().get("eventId"));
  }

  @Test
  void concurrentCallsWithOneIdempotencyKeyAllAnswerItsOneEvent() throws Exception {
    // No session: each call's turn runs inline and its event is written at the end of its batch, so calls that share
    // a batch find the key before they could find its event.
    JsonNode t = app.trigger(project, bot, Map.of("sessionDurationSeconds", 0));
    List<Http.Response> answers = new java.util.ArrayList<>();
    try (var calls = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var pending = java.util.stream.IntStream.range(0, 48).mapToObj(i -> calls.submit(() ->
          caller(t).send("POST", events(t), Map.of("n", i), Map.of("Idempotency-Key", "together")))).toList();
      for (var answer : pending) answers.add(answer.get());
    }
    assertThat(answers).extracting(Http.Response::status).containsOnly(202);
    assertThat(answers.stream().map(a -> a.json().get("eventId").asText()).distinct()).hasSize(1);
    var list = app.admin.get("/v1/projects/" + project + "/events?triggerId=" + t.get("id").asText()).json();
    assertThat(list.get("items")).hasSize(1);
  }

  @Test
  void sessionsContinueAConversation() throws Exception {
    JsonNode t = app.trigger(project, bot, Map.of("sessionDurationSeconds", 1));
    String a1 = caller(t).post(events(t) + "?session=alpha", Map.of()).json().get("conversationId").asText();
    String a2 = caller(t).post(events(t) + "?session=alpha", Map.of()).json().get("conversationId").asText();
    String b1 = caller(t).post(events(t) + "?session=beta", Map.of()).json().get("conversationId").asText();
    String none1 = caller(t).post(events(t), Map.of()).json().get("conversationId").asText();
    String none2 = caller(t).post(events(t), Map.of()).json().get("conversationId").asText();
    assertThat(a2).isEqualTo(a1);
    assertThat(b1).isNotEqualTo(a1);
    assertThat(none2).isNotEqualTo(none1);
    Thread.sleep(1200);
    String a3 = caller(t).post(events(t) + "?session=alpha", Map.of()).json().get("conversationId").asText();
    assertThat(a3).isNotEqualTo(a1);
    String a4 = caller(t).post(events(t) + "?session=alpha", Map.of()).json().get("conversationId").asText();
    assertThat(a4).isEqualTo(a3);
  }

  @Test
  void zeroSessionDurationStartsEveryEventAfresh() {
    JsonNode t = app.trigger(project, bot, Map.of("sessionDurationSeconds", 0));
    String c1 = caller(t).post(events(t) + "?session=s", Map.of()).json().get("conversationId").asText();
    String c2 = caller(t).post(events(t) + "?session=s", Map.of()).json().get("conversationId").asText();
    assertThat(c2).isNotEqualTo(c1);
  }

  @Test
  void contactsAreMatchedByEmailThenPhoneAndKeyTheSession() {
    JsonNode t = app.trigger(project, bot, Map.of());
    var first = caller(t).post(events(t) + "?contact.email=Ada@Example.com&contact.name=Ada", Map.of());
    var second = caller(t).post(events(t) + "?contact_email=ada@example.com&contact_name=Ada%20L&contact_phone=%2B4912345", Map.of());
    assertThat(second.json().get("conversationId")).isEqualTo(first.json().get("conversationId"));
    String contactId = app.admin.get("/v1/conversations/" + first.json().get("conversationId").asText()).json()
        .get("contactId").asText();
    JsonNode contact = app.admin.get("/v1/contacts/" + contactId).json();
    assertThat(contact.get("name").asText()).isEqualTo("Ada L");
    assertThat(contact.get("phone").asText()).isEqualTo("+4912345");
    var byPhone = caller(t).post(events(t) + "?contact.phone=%2B4912345", Map.of());
    String phoneContact = app.admin.get("/v1/conversations/" + byPhone.json().get("conversationId").asText()).json()
        .get("contactId").asText();
    assertThat(phoneContact).isEqualTo(contactId);
    var found = app.admin.get("/v1/projects/" + project + "/contacts?email=ada@example.com").json();
    assertThat(found.get("items")).hasSize(1);
    assertThat(caller(t).post(events(t) + "?contact.email=not-an-email", Map.of()).status()).isEqualTo(400);
  }

  @Test
  void anyBodyIsAPayload() {
    JsonNode t = app.trigger(project, bot, Map.of());
    var empty = caller(t).send("POST", events(t), null, Map.of());
    assertThat(app.event(empty.json().get("eventId").asText()).get("payload").isObject()).isTrue();
    var text = caller(t).send("POST", events(t), "plain words", Map.of("Content-Type", "text/plain"));
    assertThat(app.event(text.json().get("eventId").asText()).get("payload").asText()).isEqualTo("plain words");
    var array = caller(t).post(events(t), "[1, 2, 3]");
    assertThat(app.event(array.json().get("eventId").asText()).get("payload")).hasSize(3);
  }

  @Test
  void unpublishedBotGetsConflict() {
    var r = app.admin.post("/v1/projects/" + project + "/bots", Map.of("name", "draft-only", "definition", TestApp.ECHO));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode t = app.trigger(project, r.json().get("id").asText(), Map.of());
    assertThat(caller(t).post(events(t), Map.of()).status()).isEqualTo(409);
  }
}
