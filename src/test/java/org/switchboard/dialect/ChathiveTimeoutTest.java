package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.delivery.DeliveryTestBase;
import org.switchboard.support.LocalServer;

/** Chathive's wait mode when the bot takes longer than the trigger's timeout (its flow calls a slow API). */
class ChathiveTimeoutTest extends DeliveryTestBase {
  @Test
  void aWaitThatRunsOutAnswers408AndTheEventStillCompletes() {
    SCRIPT.set(r -> new LocalServer.Answer(200, "application/json", "{}", 1_500));
    String slowBot = app.bot(project, """
        on: { trigger: { "*": main } }
        nodes:
          main:
            - http: { method: GET, url: "%s/slow", into: r }
            - say: "done"
        """.formatted(receiver.url()));
    app.trigger(project, slowBot, Map.of("name", "slow", "key", "slow", "waitForResponse", true, "responseTimeoutMs", 200));
    var r = app.anonymous().send("POST", "/api/v1.0/project/" + project + "/trigger/slow", Map.of("instruction", "x"),
        Map.of("x-api-key", app.apiKey(project, "project.trigger")));
    assertThat(r.status()).as(r.body()).isEqualTo(408);
    assertThat(r.json().get("status").asText()).isEqualTo("processing");
    assertThat(app.awaitEvent(r.json().get("eventId").asText(), "completed").get("result").get("messageIds")).hasSize(1);
  }
}
