package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.model.Json;
import org.switchboard.store.Database;
import org.switchboard.support.DbKind;
import org.switchboard.support.Http;
import org.switchboard.support.Pg;
import org.switchboard.support.ServerProcess;
import org.switchboard.support.SseClient;
import org.switchboard.support.TestApp;

/** SIGTERM: in-flight calls finish, open streams end, leases are given back, all within 10 s; logs stay clean. */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
class ShutdownIT {
  @Parameter
  DbKind kind;

  @Test
  void sigtermStopsCleanlyWithJsonLogsAndNoSecrets(@TempDir Path dir) throws Exception {
    Pg.Target pg = kind == DbKind.POSTGRES ? Pg.freshDatabase() : null;
    Map<String, String> env = new HashMap<>(ServerProcess.env(dir, pg));
    env.put("SWITCHBOARD_LOG_FORMAT", "json");
    Path log = dir.resolve("server.log");
    String secret;
    String key;
    try (ServerProcess server = ServerProcess.start(env, log)) {
      String project = server.admin.post("/v1/projects", Map.of("name", "term")).json().get("id").asText();
      key = server.admin.post("/v1/projects/" + project + "/api-keys",
          Map.of("name", "k", "permissions", List.of("project.admin"))).json().get("key").asText();
      Http keyed = server.admin.as(key);
      String bot = keyed.post("/v1/projects/" + project + "/bots",
          Map.of("name", "b", "definition", TestApp.ECHO, "publish", true)).json().get("id").asText();
      JsonNode trigger = keyed.post("/v1/projects/" + project + "/triggers",
          Map.of("name", "t", "botId", bot, "waitForResponse", true)).json();
      secret = trigger.get("secret").asText();
      Http caller = server.admin.as(secret);
      String events = "/v1/triggers/" + trigger.get("id").asText() + "/events";
      assertThat(caller.post(events, Map.of("n", 1)).status()).isEqualTo(200);
      assertThat(server.admin.as("wrong-" + secret).post(events, Map.of()).status()).isEqualTo(401);
      String conversation = caller.post(events + "?session=s", Map.of("n", 2)).json().get("conversationId").asText();
      SseClient stream = new SseClient(server.admin.base() + "/v1/conversations/" + conversation + "/stream", key, null);
      assertThat(stream.status()).isEqualTo(200);
      List<CompletableFuture<Integer>> inFlight = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        inFlight.add(CompletableFuture.supplyAsync(() -> {
          try {
            return caller.post(events + "?session=burst" + n, Map.of("n", n)).status();
          } catch (AssertionError refused) {
            return -1;
          }
        }));
      }
      Thread.sleep(50);
      Duration took = server.terminate(Duration.ofSeconds(10));
      assertThat(took).as("exited within 10 s").isNotNull();
      stream.close();
      for (var f : inFlight) assertThat(f.get()).isIn(200, -1);
      try (Database db = pg != null ? Database.postgres(pg.url(), pg.user(), pg.password()) : Database.sqlite(dir)) {
        long leased = db.read(h -> h.createQuery("SELECT COUNT(*) FROM queue WHERE lease_owner IS NOT NULL").mapTo(Long.class).one());
        assertThat(leased).isZero();
      }
    }
    String output = Files.readString(log);
    assertThat(output).doesNotContain(secret).doesNotContain(key).doesNotContain(TestApp.ADMIN);
    List<String> logLines = output.lines().filter(l -> l.startsWith("{")).toList();
    assertThat(logLines).isNotEmpty();
    for (String line : logLines) assertThat(Json.read(line).has("level")).as(line).isTrue();
    assertThat(output).contains("stopped");
  }
}
