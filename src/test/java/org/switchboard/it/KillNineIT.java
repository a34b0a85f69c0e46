package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.store.Database;
import org.switchboard.support.DbKind;
import org.switchboard.support.Http;
import org.switchboard.support.KillUnderLoad;
import org.switchboard.support.Pg;
import org.switchboard.support.ServerProcess;
import org.switchboard.support.TestApp;

/** kill -9 during a stream of trigger calls loses no acknowledged event and processes each exactly once. */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
class KillNineIT {
  @Parameter
  DbKind kind;

  @Test
  void everyAcknowledgedEventSurvivesAndRunsOnce(@TempDir Path dir) throws Exception {
    Pg.Target pg = kind == DbKind.POSTGRES ? Pg.freshDatabase() : null;
    Map<String, String> env = ServerProcess.env(dir, pg);
    Path log = dir.resolve("server.log");
    Set<String> acknowledged;
    try (ServerProcess first = ServerProcess.start(env, log)) {
      String project = first.admin.post("/v1/projects", Map.of("name", "crash")).json().get("id").asText();
      String bot = first.admin.post("/v1/projects/" + project + "/bots",
          Map.of("name", "b", "definition", TestApp.ECHO, "publish", true)).json().get("id").asText();
      var trigger = first.admin.post("/v1/projects/" + project + "/triggers", Map.of("name", "t", "botId", bot)).json();
      String path = "/v1/triggers/" + trigger.get("id").asText() + "/events";
      Http caller = first.admin.as(trigger.get("secret").asText());
      acknowledged = KillUnderLoad.sendThenKill(first, caller, 16, thread -> path + "?session=s" + thread, 50);
    }
    assertThat(acknowledged).hasSizeGreaterThan(50);
    System.out.println(kind + ": " + acknowledged.size() + " events acknowledged before kill -9");

    try (ServerProcess second = ServerProcess.start(env, log);
         Database db = kind == DbKind.POSTGRES ? Database.postgres(pg.url(), pg.user(), pg.password()) : Database.sqlite(dir)) {
      List<String> ids = List.copyOf(acknowledged);
      TestApp.eventually(120_000, () -> db.read(h -> h.createQuery(
          "SELECT COUNT(*) FROM events WHERE status = 'completed' AND id IN (<ids>)").bindList("ids", ids)
          .mapTo(Long.class).one()) == ids.size(), "all acknowledged events completed");
      // Exactly once: one bot message per event, never two.
      Map<String, Long> perEvent = db.read(h -> h.createQuery(
              "SELECT event_id, COUNT(*) AS n FROM messages WHERE role = 'bot' GROUP BY event_id")
          .reduceRows(new java.util.HashMap<String, Long>(), (m, row) -> {
            m.put(row.getColumn("event_id", String.class), row.getColumn("n", Long.class));
            return m;
          }));
      for (String id : ids) assertThat(perEvent.get(id)).as("bot messages of " + id).isEqualTo(1L);
      assertThat(perEvent.values()).allMatch(n -> n == 1L);
      assertThat(second.admin.get("/v1/events/" + ids.get(0)).json().get("status").asText()).isEqualTo("completed");
    }
  }
}
