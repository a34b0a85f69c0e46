package org.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.support.TestApp;

/** Steps that wait: ask (match, choices, retry, attempts, timeout), wait, and trigger events meanwhile. */
class FlowWaitingTest extends FlowTestBase {

  @Test
  void askStoresTheAnswerAndGoesOnAfterIt() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - if: 'true'
              then:
                - ask: "What is your order number?"
                  into: order
                  match: "^[0-9]{4,}$"
                  retry: "Digits only, please."
                - say: "inside {{vars.order}}"
            - say: "Order {{vars.order}} noted."
        """);
    assertThat(c.say("hi")).containsExactly("What is your order number?");
    assertThat(c.say("abc")).containsExactly("Digits only, please.");
    assertThat(c.say("12")).containsExactly("Digits only, please.");
    assertThat(c.say("12345")).containsExactly("inside 12345", "Order 12345 noted.");
    assertThat(c.vars().get("order").asText()).isEqualTo("12345");
    assertThat(c.say("again")).containsExactly("What is your order number?");
  }

  @Test
  void afterTheLastAttemptTheFlowGoesOnWithoutAnAnswer() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - ask: "Age?"
              into: age
              match: "^[0-9]+$"
              attempts: 2
            - if: 'vars.age == null'
              then: [ { say: "No age given." } ]
              else: [ { say: "Age {{vars.age}}." } ]
        """);
    c.say("start");
    assertThat(c.say("old")).containsExactly("Age?");
    assertThat(c.say("very old")).containsExactly("No age given.");
  }

  @Test
  void choicesSendAChoiceMessageAndStoreTheValue() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - ask: "Size?"
              into: size
              choices: [ small, { label: "Large one", value: L } ]
            - say: "size={{vars.size}}"
        """);
    JsonNode question = c.send("go").get("replies").get(0);
    assertThat(question.get("type").asText()).isEqualTo("choice");
    assertThat(question.get("payload").get("text").asText()).isEqualTo("Size?");
    assertThat(question.get("payload").get("options").findValuesAsText("value")).containsExactly("small", "L");
    assertThat(c.send("medium").get("replies").get(0).get("type").asText()).isEqualTo("choice");
    assertThat(c.say("large one")).containsExactly("size=L");
  }

  @Test
  void askTimeoutFiresByItselfOnce() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - ask: "Still there?"
              into: reply
              timeout: { after: 1s, goto: nudge }
            - say: "got {{vars.reply}}"
          nudge: [ { say: "Nudge!" } ]
        """);
    c.say("hello");
    TestApp.eventually(15_000, () -> c.messages().stream().anyMatch(m -> m.get("payload").path("text").asText().equals("Nudge!")),
        "the timeout's message");
    sleep(1500);
    assertThat(c.messages().stream().filter(m -> m.get("payload").path("text").asText().equals("Nudge!")).count()).isEqualTo(1);
    // The ask no longer waits: a message now goes to the message entry point.
    assertThat(c.say("late")).containsExactly("Still there?");
  }

  @Test
  void anAnsweredAskCancelsItsTimeout() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - ask: "Name?"
              into: name
              timeout: { after: 1s, goto: nudge }
            - say: "Hi {{vars.name}}"
          nudge: [ { say: "Nudge!" } ]
        """);
    c.say("hello");
    assertThat(c.say("Ada")).containsExactly("Hi Ada");
    sleep(1800);
    assertThat(c.messages().stream().map(m -> m.get("payload").path("text").asText())).doesNotContain("Nudge!");
  }

  @Test
  void waitPausesAndGoesOnByItself() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - say: "one"
            - wait: 1s
            - say: "two {{event.type}}"
        """);
    assertThat(c.say("go")).containsExactly("one");
    TestApp.eventually(15_000, () -> c.messages().size() == 3, "the message after the wait");
    assertThat(c.messages().get(2).get("payload").get("text").asText()).isEqualTo("two wait");
    JsonNode events = app.admin.get("/v1/conversations/" + c.id() + "/events").json().get("items");
    assertThat(events.findValuesAsText("type")).contains("wait");
    assertThat(events.findValuesAsText("source")).contains("timer");
  }

  @Test
  void timersSurviveARestart() {
    Chat c = chat("""
        on: { message: main }
        nodes:
          main:
            - wait: 2s
            - say: "after restart"
        """);
    c.say("go");
    app.restart();
    TestApp.eventually(20_000, () -> c.messages().stream().anyMatch(m -> m.get("payload").path("text").asText().equals("after restart")),
        "the wait to fire after a restart");
    sleep(500);
    assertThat(c.messages().stream().filter(m -> m.get("payload").path("text").asText().equals("after restart")).count()).isEqualTo(1);
  }

  @Test
  void onSeveralNodesEachTimerFiresOnce() {
    org.junit.jupiter.api.Assumptions.assumeTrue(kind == org.switchboard.support.DbKind.POSTGRES, "several nodes share PostgreSQL");
    try (var second = app.anotherNode()) {
      List<Chat> chats = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Chat c = chat("""
            on: { message: main }
            nodes:
              main: [ { wait: 1s }, { say: "woke" } ]
            """);
        c.say("go");
        chats.add(c);
      }
      for (Chat c : chats) {
        TestApp.eventually(20_000, () -> woke(c) == 1, "the wait of " + c.id());
      }
      sleep(1000);
      for (Chat c : chats) assertThat(woke(c)).isEqualTo(1);
      assertThat(second.port()).isPositive();
    }
  }

  @Test
  void aTriggerEventRunsItsOwnEntryWhileAnAskWaits() {
    String project = app.project("interrupt");
    String bot = app.bot(project, """
        on:
          message: main
          trigger: { "*": news }
        nodes:
          main:
            - ask: "Your email?"
              into: email
            - say: "Thanks {{vars.email}}"
          news: [ { say: "News: {{event.payload.headline}}" } ]
        """);
    JsonNode trigger = app.trigger(project, bot, Map.of("waitForResponse", true));
    var first = app.client(trigger.get("secret").asText()).post("/v1/triggers/" + trigger.get("id").asText() + "/events?session=u1",
        Map.of("headline", "first"));
    String conversation = first.json().get("conversationId").asText();
    var asked = app.admin.post("/v1/conversations/" + conversation + "/messages?wait=true", Map.of("text", "hi"));
    assertThat(texts(asked.json().get("replies"))).containsExactly("Your email?");
    var news = app.client(trigger.get("secret").asText()).post("/v1/triggers/" + trigger.get("id").asText() + "/events?session=u1",
        Map.of("headline", "breaking"));
    assertThat(texts(news.json().get("messages"))).containsExactly("News: breaking");
    var answered = app.admin.post("/v1/conversations/" + conversation + "/messages?wait=true", Map.of("text", "ada@example.com"));
    assertThat(texts(answered.json().get("replies"))).containsExactly("Thanks ada@example.com");
  }

  @Test
  void reloadMovesToTheLatestVersionKeepingVariables() {
    String v1 = """
        variables: { count: 0 }
        on: { message: main }
        nodes:
          main:
            - set: { count: "vars.count + 1" }
            - ask: "v1 asks"
              into: answer
            - say: "v1 got {{vars.answer}}"
        """;
    Chat c = chat(v1);
    assertThat(c.say("hi")).containsExactly("v1 asks");
    String v2 = """
        variables: { count: 0 }
        on: { message: main, start: hello }
        nodes:
          hello: [ { say: "v2 start" } ]
          main:
            - set: { count: "vars.count + 1" }
            - say: "v2 count {{vars.count}}"
        """;
    app.admin.put("/v1/bots/" + c.bot() + "/draft", Map.of("definition", v2));
    app.admin.post("/v1/bots/" + c.bot() + "/publish", null);
    assertThat(c.conversation().get("botVersion").asInt()).isEqualTo(1);
    var reloaded = app.admin.post("/v1/conversations/" + c.id() + "/reload", null);
    assertThat(reloaded.status()).isEqualTo(200);
    assertThat(reloaded.json().get("botVersion").asInt()).isEqualTo(2);
    // v2 has no ask at that place: the conversation restarts at on.start, keeping its variables.
    assertThat(c.say("again")).containsExactly("v2 start", "v2 count 2");
  }

  @Test
  void reloadKeepsAWaitingAskThatStillExists() {
    String v1 = """
        on: { message: main }
        nodes:
          main:
            - ask: "Name?"
              into: name
            - say: "v1 hi {{vars.name}}"
        """;
    Chat c = chat(v1);
    c.say("hi");
    app.admin.put("/v1/bots/" + c.bot() + "/draft", Map.of("definition", v1.replace("v1 hi", "v2 hello")));
    app.admin.post("/v1/bots/" + c.bot() + "/publish", null);
    app.admin.post("/v1/conversations/" + c.id() + "/reload", null);
    assertThat(c.say("Ada")).containsExactly("v2 hello Ada");
  }

  private static long woke(Chat c) {
    return c.messages().stream().filter(m -> m.get("payload").path("text").asText().equals("woke")).count();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
