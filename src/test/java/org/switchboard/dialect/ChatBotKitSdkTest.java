package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.support.DbKind;
import org.switchboard.support.NodeScripts;
import org.switchboard.support.TestApp;

/**
 * The official {@code @chatbotkit/sdk}, installed from npm, drives the ChatBotKit management API of a running node:
 * create, list (meta filter, order, take), fetch, update, setup, invoke and delete, and its error handling.
 */
class ChatBotKitSdkTest {
  private static TestApp app;

  @BeforeAll
  static void start() { app = TestApp.start(DbKind.SQLITE); }

  @AfterAll
  static void stop() { app.close(); }

  @Test
  void officialSdkManagesTriggers() throws Exception {
    assumeTrue(NodeScripts.nodeInstalled(), "Node.js is not installed: the ChatBotKit SDK test needs node and npm");
    Path work = NodeScripts.prepare("chatbotkit-sdk", "@chatbotkit/sdk", List.of("package.json", "package-lock.json", "sdk-check.mjs"));
    String project = app.project("sdk");
    String bot = app.bot(project, TestApp.ECHO);
    String key = app.apiKey(project, "project.admin");
    NodeScripts.Result result = NodeScripts.run(List.of("node", "sdk-check.mjs", app.admin.base(), key, bot), work, 120);
    assertThat(result.exit()).as(result.output()).isZero();
    JsonNode out = TestApp.json(result.lastLine());

    String id = out.get("create").get("id").asText();
    assertThat(id).startsWith("trg_");
    assertThat(out.get("list").get("items")).hasSize(1);
    assertThat(out.get("list").get("items").get(0).get("id").asText()).isEqualTo(id);
    assertThat(out.get("listAsc").get("items").get(0).get("id").asText()).isEqualTo(id);
    assertThat(out.get("listAsc").get("cursor").asText()).isEqualTo(id);

    JsonNode fetched = out.get("fetch");
    assertThat(fetched.get("name").asText()).isEqualTo("Nightly report");
    assertThat(fetched.get("botId").asText()).isEqualTo(bot);
    assertThat(fetched.get("secret").asText()).isNotBlank();
    assertThat(fetched.get("schedule").asText()).isEqualTo("daily");
    assertThat(fetched.get("timezone").asText()).isEqualTo("Europe/Berlin");
    assertThat(fetched.get("sessionDuration").asLong()).isEqualTo(60_000);
    assertThat(fetched.get("meta").get("team").asText()).isEqualTo("ops");
    assertThat(fetched.get("createdAt").isIntegralNumber()).isTrue();
    assertThat(fetched.get("nextTriggerAt").asLong()).isGreaterThan(System.currentTimeMillis());

    assertThat(out.get("update").get("id").asText()).isEqualTo(id);
    JsonNode updated = out.get("fetchUpdated");
    assertThat(updated.get("name").asText()).isEqualTo("Hourly report");
    assertThat(updated.get("schedule").asText()).isEqualTo("hourly");
    assertThat(updated.get("timezone").asText()).as("an update keeps fields it does not name").isEqualTo("Europe/Berlin");
    assertThat(updated.get("sessionDuration").asLong()).isZero();
    assertThat(out.get("setup").get("id").asText()).isEqualTo(id);

    String eventId = out.get("invoke").get("eventId").asText();
    JsonNode event = app.awaitEvent(eventId, "completed");
    assertThat(event.get("triggerId").asText()).isEqualTo(id);
    assertThat(out.get("delete").get("id").asText()).isEqualTo(id);
    assertThat(app.admin.get("/v1/triggers/" + id).status()).isEqualTo(404);
    assertThat(out.get("fetchDeleted").get("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(out.get("invalid").get("code").asText()).isEqualTo("UNPROCESSABLE_ENTITY");
    assertThat(out.get("invalid").get("message").asText()).contains("sessionDuration").contains("schedule");
  }
}
