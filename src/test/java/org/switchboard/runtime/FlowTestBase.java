package org.switchboard.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.support.DbKind;
import org.switchboard.support.LocalServer;
import org.switchboard.support.TestApp;

/**
 * A node on each database with a local "shop" API (for http steps and skills) and a scripted OpenAI-compatible
 * model server, both real HTTP servers on loopback.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
abstract class FlowTestBase {
  protected static TestApp app;
  protected static LocalServer shop;
  protected static LocalServer model;
  /** The model server answers each call with the next function of this queue. */
  protected static final ConcurrentLinkedQueue<Function<JsonNode, LocalServer.Answer>> MODEL_SCRIPT = new ConcurrentLinkedQueue<>();

  @Parameter
  protected DbKind kind;

  @BeforeParameterizedClassInvocation
  static void startNode(DbKind kind) throws Exception {
    shop = new LocalServer(r -> switch (r.path()) {
      case "/orders/1234" -> LocalServer.Answer.json(200, Map.of("id", "1234", "status", "shipped", "date", "2026-11-20", "total", 42));
      case "/orders/5678" -> LocalServer.Answer.json(200, Map.of("id", "5678", "status", "packing"));
      case "/echo" -> LocalServer.Answer.json(201, Map.of("method", r.method(), "got", r.body().isEmpty() ? "" : r.body(),
          "auth", String.valueOf(r.headers().getFirst("X-Token"))));
      case "/slow" -> new LocalServer.Answer(200, "application/json", "{}", 3000);
      case "/text" -> new LocalServer.Answer(200, "text/plain", "plain answer", 0);
      default -> LocalServer.Answer.json(404, Map.of("error", "no such order"));
    });
    model = new LocalServer(r -> {
      var next = MODEL_SCRIPT.poll();
      if (next == null) return LocalServer.Answer.json(500, Map.of("error", Map.of("message", "script exhausted")));
      return next.apply(r.json());
    });
    app = TestApp.start(kind, Map.of("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true",
        "SWITCHBOARD_LLM_BASE_URL", model.url() + "/v1", "SWITCHBOARD_LLM_MODEL", "test-model"), true);
  }

  @AfterParameterizedClassInvocation
  static void stopNode() {
    app.close();
    shop.close();
    model.close();
  }

  /** A conversation with a fresh bot made from {@code yaml}. */
  protected Chat chat(String yaml) { return chat(yaml, Map.of()); }

  protected Chat chat(String yaml, Map<String, Object> variables) {
    String project = app.project("flows");
    String bot = app.bot(project, yaml.replace("SHOP", shop.url()));
    var r = app.admin.post("/v1/projects/" + project + "/conversations", Map.of("botId", bot,
        "contact", Map.of("name", "Ada", "email", "ada@example.com"), "variables", variables));
    if (r.status() != 201) throw new AssertionError(r.toString());
    return new Chat(project, bot, r.json().get("id").asText());
  }

  protected record Chat(String project, String bot, String id) {
    /** Sends a user message, waits for the bot, returns the event's answer. */
    JsonNode send(String text) {
      var r = app.admin.post("/v1/conversations/" + id + "/messages?wait=true&timeoutMs=20000", Map.of("text", text));
      if (r.status() != 200) throw new AssertionError(r.toString());
      return r.json();
    }

    List<String> say(String text) { return texts(send(text).get("replies")); }

    JsonNode conversation() { return app.admin.get("/v1/conversations/" + id).json(); }

    JsonNode vars() { return conversation().get("variables"); }

    List<JsonNode> messages() {
      List<JsonNode> out = new ArrayList<>();
      app.admin.get("/v1/conversations/" + id + "/messages?limit=500").json().get("items").forEach(out::add);
      return out;
    }

    JsonNode event(JsonNode answer) { return app.event(answer.get("eventId").asText()); }
  }

  static List<String> texts(JsonNode messages) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : messages) out.add(m.get("payload").path("text").asText(m.get("type").asText()));
    return out;
  }
}
