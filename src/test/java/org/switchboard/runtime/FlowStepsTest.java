package org.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.support.TestApp;

/** The steps of bot-flow.md that run inside one turn. */
class FlowStepsTest extends FlowTestBase {

  @Test
  void sayRendersTemplatesAndEveryPayloadType() {
    Chat c = chat("""
        variables: { n: 3, price: 2.50, obj: { a: 1 } }
        on: { message: main }
        nodes:
          main:
            - say: "n={{vars.n}} price={{vars.price}} obj={{vars.obj}} missing=[{{vars.nope.deeper}}] name={{contact.name}}"
            - say: { type: markdown, markdown: "**{{event.text}}**" }
            - say: { type: image, imageUrl: "https://img.example/{{vars.n}}.png" }
            - say: { type: card, title: "Order", subtitle: "#{{vars.n}}", actions: [ { action: url, label: Track, value: "https://t.example/{{vars.n}}" } ] }
            - say: { type: carousel, items: [ { title: A, actions: [] }, { title: B, actions: [] } ] }
            - say: { type: choice, text: "Pick", options: [ { label: Yes, value: y } ] }
            - say: { type: location, latitude: 52.5, longitude: 13.4, title: Berlin }
        """);
    JsonNode replies = c.send("bold").get("replies");
    assertThat(replies.get(0).get("payload").get("text").asText()).isEqualTo("n=3 price=2.5 obj={\"a\":1} missing=[] name=Ada");
    assertThat(replies.get(1).get("type").asText()).isEqualTo("markdown");
    assertThat(replies.get(1).get("payload").get("markdown").asText()).isEqualTo("**bold**");
    assertThat(replies.get(2).get("payload").get("imageUrl").asText()).isEqualTo("https://img.example/3.png");
    assertThat(replies.get(3).get("payload").get("actions").get(0).get("value").asText()).isEqualTo("https://t.example/3");
    assertThat(replies.get(3).get("payload").has("type")).isFalse();
    assertThat(replies.get(4).get("payload").get("items")).hasSize(2);
    assertThat(replies.get(5).get("type").asText()).isEqualTo("choice");
    assertThat(replies.get(6).get("payload").get("latitude").asDouble()).isEqualTo(52.5);
  }

  @Test
  void setUsesCelWithIntegerArithmetic() {
    Chat c = chat("""
        variables: { tries: 0 }
        on: { message: main }
        nodes:
          main:
            - set: { tries: "vars.tries + 1", label: "'try ' + string(vars.tries + 1)", big: "event.text.size() > 3" }
            - say: "{{vars.tries}} {{vars.label}} {{vars.big}}"
        """);
    assertThat(c.say("hello")).containsExactly("1 try 1 true");
    assertThat(c.say("hi")).containsExactly("2 try 2 false");
    assertThat(c.vars().get("tries").isIntegralNumber()).isTrue();
  }

  @Test
  void ifElseSwitchAndGoto() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - if: 'event.text == "a"'
              then: [ { say: "then" } ]
              else:
                - switch: 'event.text'
                  cases:
                    b: [ { say: "case b" }, { goto: other } ]
                    c: [ { say: "case c" } ]
                  default: [ { say: "default" } ]
            - say: "after"
          other:
            - say: "in other"
        """);
    assertThat(c.say("a")).containsExactly("then", "after");
    assertThat(c.say("b")).containsExactly("case b", "in other");
    assertThat(c.say("c")).containsExactly("case c", "after");
    assertThat(c.say("z")).containsExactly("default", "after");
  }

  @Test
  void entryPointsStartMessageTriggerAndDefault() {
    String project = app.project("entries");
    String bot = app.bot(project, """
        on:
          start: hello
          message: msg
          trigger: { shipped: ship, "*": anyTrigger }
          default: fallback
        nodes:
          hello: [ { say: "start" } ]
          msg: [ { say: "message {{event.text}}" } ]
          ship: [ { say: "shipped {{event.payload.id}} via {{event.trigger.key}}" } ]
          anyTrigger: [ { say: "trigger {{event.trigger.key}}" } ]
          fallback: [ { say: "fallback" } ]
        """);
    JsonNode shipped = app.trigger(project, bot, Map.of("name", "Shipped", "key", "shipped", "waitForResponse", true));
    JsonNode other = app.trigger(project, bot, Map.of("name", "Other", "waitForResponse", true));
    var first = app.client(shipped.get("secret").asText()).post("/v1/triggers/" + shipped.get("id").asText() + "/events?session=k", Map.of("id", 7));
    assertThat(texts(first.json().get("messages"))).containsExactly("start", "shipped 7 via shipped");
    var second = app.client(shipped.get("secret").asText()).post("/v1/triggers/" + shipped.get("id").asText() + "/events?session=k", Map.of("id", 8));
    assertThat(texts(second.json().get("messages"))).containsExactly("shipped 8 via shipped");
    var star = app.client(other.get("secret").asText()).post("/v1/triggers/" + other.get("id").asText() + "/events", Map.of());
    assertThat(texts(star.json().get("messages"))).containsExactly("start", "trigger other");
    String conversation = first.json().get("conversationId").asText();
    var msg = app.admin.post("/v1/conversations/" + conversation + "/messages?wait=true", Map.of("text", "hi"));
    assertThat(texts(msg.json().get("replies"))).containsExactly("message hi");
  }

  @Test
  void defaultTakesWhatNoOtherEntryTakes() {
    Chat c = chat("""
        on: { default: fallback }
        nodes:
          fallback: [ { say: "fallback {{event.type}}" } ]
        """);
    assertThat(c.say("x")).containsExactly("fallback message");
  }

  @Test
  void handoffSaysTheTextAndSilencesTheBot() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main: [ { handoff: "A person will take over." }, { say: "never said" } ]
        """);
    assertThat(c.say("help")).containsExactly("A person will take over.");
    assertThat(c.conversation().get("status").asText()).isEqualTo("handoff");
    assertThat(c.say("hello?")).isEmpty();
  }

  @Test
  void endEndsTheConversation() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main: [ { say: "bye" }, { end: true }, { say: "never said" } ]
        """);
    assertThat(c.say("quit")).containsExactly("bye");
    assertThat(c.conversation().get("status").asText()).isEqualTo("ended");
    var refused = app.admin.post("/v1/conversations/" + c.id() + "/messages", Map.of("text", "more"));
    assertThat(refused.status()).isEqualTo(409);
  }

  @Test
  void emitPublishesACustomEventWithRenderedData() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main: [ { emit: { topic: lead, data: { email: "{{contact.email}}", said: "{{event.text}}" } } } ]
        """);
    JsonNode answer = c.send("interested");
    JsonNode emits = c.event(answer).get("result").get("emits");
    assertThat(emits.get(0).get("topic").asText()).isEqualTo("custom.lead");
    assertThat(emits.get(0).get("data").get("email").asText()).isEqualTo("ada@example.com");
    assertThat(emits.get(0).get("data").get("said").asText()).isEqualTo("interested");
  }

  @Test
  void loopGuardStopsAnEventAfterAThousandSteps() {
    Chat c = chat("""
        variables: { i: 0 }
        on: { message: spin }
        nodes:
          spin: [ { set: { i: "vars.i + 1" } }, { goto: spin } ]
        """);
    JsonNode answer = c.send("go");
    assertThat(answer.get("status").asText()).isEqualTo("failed");
    JsonNode event = c.event(answer);
    assertThat(event.get("status").asText()).isEqualTo("failed");
    assertThat(event.get("result").get("error").asText()).contains("loop guard").contains("1000 steps");
    assertThat(event.get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void theResultRecordsNodesAndSteps() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main: [ { say: "one" }, { goto: two } ]
          two: [ { say: "two" } ]
        """);
    JsonNode result = c.event(c.send("x")).get("result");
    assertThat(result.get("messageIds")).hasSize(2);
    assertThat(result.get("actions").findValuesAsText("node")).containsExactly("main", "two");
    assertThat(result.get("error").isNull()).isTrue();
  }

}
