package org.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.support.LocalServer;

/** The bots in examples/ load, validate and run. */
class ExamplesTest extends FlowTestBase {

  private Chat example(String file) throws Exception {
    String yaml = Files.readString(Path.of("examples", file));
    return chat(yaml, Map.of("shopUrl", shop.url()));
  }

  @Test
  void orderStatus() throws Exception {
    Chat c = example("order-status.yaml");
    assertThat(c.say("hello")).containsExactly("Hi Ada, I can tell you where your order is.", "What is your order number?");
    assertThat(c.say("12")).containsExactly("Order numbers are at least four digits. Please try again.");
    JsonNode card = c.send("1234").get("replies").get(0);
    assertThat(card.get("type").asText()).isEqualTo("card");
    assertThat(card.get("payload").get("title").asText()).isEqualTo("Order 1234 has shipped");
    assertThat(c.say("hi")).containsExactly("What is your order number?");
    assertThat(c.say("5678")).containsExactly("Order 5678 is being packed.");
    c.say("again");
    assertThat(c.say("9999")).containsExactly("Our shop is not answering; please try again later.");
  }

  @Test
  void leadCapture() throws Exception {
    Chat c = example("lead-capture.yaml");
    assertThat(c.say("hi")).containsExactly("Thanks for your interest! Three quick questions.", "What is your name?");
    assertThat(c.say("Grace")).containsExactly("Which email should we use, Grace?");
    assertThat(c.say("grace@")).containsExactly("That does not look like an email address. Please try again.");
    JsonNode choice = c.send("grace@example.com").get("replies").get(0);
    assertThat(choice.get("type").asText()).isEqualTo("choice");
    JsonNode last = c.send("11-100");
    assertThat(texts(last.get("replies"))).containsExactly("Thanks Grace! Someone from sales will write to grace@example.com today.");
    JsonNode lead = c.event(last).get("result").get("emits").get(0);
    assertThat(lead.get("topic").asText()).isEqualTo("custom.lead");
    assertThat(lead.get("data").get("size").asText()).isEqualTo("medium");
    assertThat(c.vars().get("qualified").asBoolean()).isTrue();
  }

  @Test
  void agent() throws Exception {
    MODEL_SCRIPT.clear();
    MODEL_SCRIPT.add(req -> LocalServer.Answer.json(200, Map.of("choices", List.of(Map.of("message", Map.of(
        "role", "assistant", "tool_calls", List.of(Map.of("id", "t1", "type", "function",
            "function", Map.of("name", "lookupOrder", "arguments", "{\"id\":\"5678\"}")))))))));
    MODEL_SCRIPT.add(req -> LocalServer.Answer.json(200, Map.of("choices", List.of(Map.of("message", Map.of(
        "role", "assistant", "content", "Order 5678 is being packed."))))));
    Chat c = example("agent.yaml");
    assertThat(c.say("Where is 5678?")).containsExactly("Order 5678 is being packed.");
  }

  @Test
  void everyExampleIsAValidDefinition() throws Exception {
    try (var files = Files.list(Path.of("examples"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        var r = app.admin.post("/v1/projects/" + app.project("examples") + "/bots",
            Map.of("name", file.getFileName().toString(), "definition", Files.readString(file)));
        assertThat(r.status()).as(file + ": " + r.body()).isEqualTo(201);
      }
    }
  }
}
