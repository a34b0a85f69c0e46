package org.switchboard.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.switchboard.support.DbKind;
import org.switchboard.support.TestApp;

/**
 * The official {@code @chatbotkit/sdk}, installed from npm, drives the ChatBotKit management API of a running node:
 * create, list (meta filter, order, take), fetch, update, setup, invoke and delete, and its error handling.
 */
class ChatBotKitSdkTest {
  private static final Path SOURCE = Path.of("src/test/js/chatbotkit-sdk");
  private static final Path WORK = Path.of("target/chatbotkit-sdk");
  private static TestApp app;

  @BeforeAll
  static void start() { app = TestApp.start(DbKind.SQLITE); }

  @AfterAll
  static void stop() { app.close(); }

  @Test
  void officialSdkManagesTriggers() throws Exception {
    assumeTrue(run(List.of("node", "--version"), Path.of("."), 30).exit == 0,
        "Node.js is not installed: the ChatBotKit SDK test needs node and npm");
    install();
    String project = app.project("sdk");
    String bot = app.bot(project, TestApp.ECHO);
    String key = app.apiKey(project, "project.admin");
    Result result = run(List.of("node", "sdk-check.mjs", app.admin.base(), key, bot), WORK, 120);
    assertThat(result.exit).as(result.output).isZero();
    JsonNode out = TestApp.json(result.output.lines().reduce((a, b) -> b).orElseThrow());

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

  private static void install() throws IOException, InterruptedException {
    Files.createDirectories(WORK);
    for (String file : List.of("package.json", "package-lock.json", "sdk-check.mjs")) {
      Files.copy(SOURCE.resolve(file), WORK.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isDirectory(WORK.resolve("node_modules/@chatbotkit/sdk"))) return;
    Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), WORK, 300);
    assertThat(npm.exit).as("npm ci of @chatbotkit/sdk:\n" + npm.output).isZero();
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      return new Result(127, notInstalled.getMessage());
    }
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(124, "timed out: " + command);
    }
    return new Result(p.exitValue(), new String(output, java.nio.charset.StandardCharsets.UTF_8));
  }
}
