package org.switchboard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.TestApp;

/** In real time: a one-shot a few seconds ahead fires by itself, exactly once, and the bot answers it. */
class OneShotTest extends BothDatabases {

  @Test
  void aOneShotFiresOnce() throws Exception {
    String project = app.project("one-shot");
    String bot = app.bot(project, """
        on: { trigger: { "*": main } }
        nodes:
          main: [ { say: "{{event.type}}: {{event.payload.note}}" } ]
        """);
    String at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonNode t = app.trigger(project, bot, Map.of("schedule", Map.of("cron", at, "payload", Map.of("note", "hello"))));
    assertThat(t.get("nextTriggerAt").asText()).isEqualTo(at.replace("Z", ".000Z"));
    String events = "/v1/projects/" + project + "/events?triggerId=" + t.get("id").asText();
    TestApp.eventually(15_000, () -> app.admin.get(events + "&status=completed").json().get("items").size() == 1, "the one-shot");
    Thread.sleep(1500);
    JsonNode items = app.admin.get(events).json().get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("source").asText()).isEqualTo("schedule");
    String conversation = items.get(0).get("conversationId").asText();
    assertThat(app.admin.get("/v1/conversations/" + conversation + "/messages").json().get("items").get(0)
        .get("payload").get("text").asText()).isEqualTo("schedule: hello");
    JsonNode after = app.admin.get("/v1/triggers/" + t.get("id").asText()).json();
    assertThat(after.get("nextTriggerAt").isNull()).isTrue();
    assertThat(after.get("lastTriggerAt").asText()).isEqualTo(at.replace("Z", ".000Z"));
  }
}
