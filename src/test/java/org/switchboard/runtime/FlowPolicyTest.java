package org.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.LocalServer;

/** A node with the defaults: no language model configured and private addresses refused. */
class FlowPolicyTest extends BothDatabases {

  private JsonNode run(String yaml) {
    String project = app.project("policy");
    String bot = app.bot(project, yaml);
    JsonNode trigger = app.trigger(project, bot, Map.of("waitForResponse", true));
    var r = app.client(trigger.get("secret").asText()).post("/v1/triggers/" + trigger.get("id").asText() + "/events", Map.of());
    return app.event(r.json().get("eventId").asText());
  }

  @Test
  void theAgentStepFailsClearlyWithoutAModel() {
    JsonNode event = run("""
        on: { trigger: { "*": main } }
        nodes:
          main: [ { agent: { instructions: "help" } } ]
        """);
    assertThat(event.get("status").asText()).isEqualTo("failed");
    assertThat(event.get("result").get("error").asText()).contains("SWITCHBOARD_LLM_BASE_URL").contains("SWITCHBOARD_LLM_MODEL");
    assertThat(event.get("result").get("messageIds")).isEmpty();
  }

  @Test
  void skillsAndHttpStepsCannotReachPrivateAddresses() throws Exception {
    try (LocalServer internal = new LocalServer(r -> LocalServer.Answer.json(200, Map.of("secret", "internal")))) {
      JsonNode event = run("""
          on: { trigger: { "*": main } }
          nodes:
            main: [ { http: { url: "URL/admin" } } ]
          """.replace("URL", internal.url()));
      assertThat(event.get("status").asText()).isEqualTo("failed");
      assertThat(event.get("result").get("error").asText()).contains("private address");
      assertThat(internal.requests).isEmpty();
      JsonNode metadata = run("""
          on: { trigger: { "*": main } }
          nodes:
            main: [ { http: { url: "http://169.254.169.254/latest/meta-data", onError: refused } } ]
            refused: [ { say: "refused" } ]
          """);
      assertThat(metadata.get("status").asText()).isEqualTo("completed");
    }
  }

  @Test
  void badDurationsAndUnknownStepKeysAreRejectedAtSaveTime() {
    var r = app.admin.post("/v1/projects/" + app.project("durations") + "/bots", Map.of("name", "d", "definition", """
        on: { message: main }
        nodes:
          main:
            - wait: 5 minutes
            - ask: "x"
              into: "not a name"
              timeout: { after: soon, goto: nowhere }
            - say: { type: hologram }
            - http: { url: "https://x.example", retries: 3 }
        """));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("errors").findValuesAsText("path")).contains("nodes.main[0].wait", "nodes.main[1].into",
        "nodes.main[1].timeout.after", "nodes.main[1].timeout.goto", "nodes.main[2].say.type", "nodes.main[3].http.retries");
  }
}
