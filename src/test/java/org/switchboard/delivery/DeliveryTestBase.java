package org.switchboard.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.support.DbKind;
import org.switchboard.support.Http;
import org.switchboard.support.LocalServer;
import org.switchboard.support.TestApp;

/** A node on each database (private targets allowed, fast retry schedule) and a real receiver on loopback. */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
public abstract class DeliveryTestBase {
  protected static TestApp app;
  protected static LocalServer receiver;
  protected static final AtomicReference<LocalServer.Script> SCRIPT = new AtomicReference<>();

  @Parameter
  protected DbKind kind;

  protected String project;
  protected String bot;

  @BeforeParameterizedClassInvocation
  static void startNode(DbKind kind) throws Exception {
    receiver = new LocalServer(r -> SCRIPT.get().answer(r));
    app = TestApp.start(kind, Map.of("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true"), true);
  }

  @AfterParameterizedClassInvocation
  static void stopNode() {
    app.close();
    receiver.close();
  }

  @BeforeEach
  void freshProject() {
    SCRIPT.set(r -> LocalServer.Answer.json(200, Map.of("ok", true)));
    receiver.requests.clear();
    project = app.project("delivery");
    bot = app.bot(project, """
        on:
          trigger: { "*": main }
          message: main
        nodes:
          main:
            - say: "reply {{event.payload.n}}{{event.text}}"
            - if: 'has(event.payload.lead) && event.payload.lead'
              then: [ { emit: { topic: lead, data: { n: "{{event.payload.n}}" } } } ]
            - if: 'has(event.payload.bye) && event.payload.bye'
              then: [ { end: true } ]
        """);
  }

  protected JsonNode subscribe(Map<String, Object> fields) {
    var body = new java.util.HashMap<String, Object>(fields);
    body.putIfAbsent("topics", List.of("message.created"));
    body.putIfAbsent("url", receiver.url() + "/hook");
    var r = app.admin.post("/v1/projects/" + project + "/subscriptions", body);
    if (r.status() != 201) throw new AssertionError(r.toString());
    return r.json();
  }

  /** Fires a fresh trigger of the project's bot; returns the event answer. */
  protected JsonNode fire(Map<String, Object> payload, String query) {
    JsonNode trigger = trigger();
    return fire(trigger, payload, query);
  }

  private JsonNode cachedTrigger;

  protected JsonNode trigger() {
    if (cachedTrigger == null || !cachedTrigger.get("projectId").asText().equals(project)) {
      cachedTrigger = app.trigger(project, bot, Map.of("waitForResponse", true));
    }
    return cachedTrigger;
  }

  protected JsonNode fire(JsonNode trigger, Map<String, Object> payload, String query) {
    Http caller = app.client(trigger.get("secret").asText());
    var r = caller.post("/v1/triggers/" + trigger.get("id").asText() + "/events" + (query == null ? "" : query), payload);
    if (r.status() / 100 != 2) throw new AssertionError(r.toString());
    return r.json();
  }

  protected JsonNode deliveries(String subscriptionId) {
    return app.admin.get("/v1/subscriptions/" + subscriptionId + "/deliveries").json().get("items");
  }

  protected List<LocalServer.Request> received(String path) {
    return receiver.requests.stream().filter(r -> r.path().equals(path)).toList();
  }
}
