package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.switchboard.store.Database;
import org.switchboard.support.DbKind;
import org.switchboard.support.Http;
import org.switchboard.support.KillUnderLoad;
import org.switchboard.support.LocalServer;
import org.switchboard.support.Pg;
import org.switchboard.support.ServerProcess;
import org.switchboard.support.TestApp;

/** kill -9 while deliveries are pending or in flight: after a restart every one arrives; none is lost. */
@ParameterizedClass(name = "{0}")
@EnumSource(DbKind.class)
class DeliveryKillNineIT {
  @Parameter
  DbKind kind;

  @Test
  void pendingDeliveriesSurviveACrash(@TempDir Path dir) throws Exception {
    Set<String> deliveredEvents = ConcurrentHashMap.newKeySet();
    try (LocalServer receiver = new LocalServer(r -> {
      deliveredEvents.add(r.json().get("data").get("message").get("eventId").asText());
      return new LocalServer.Answer(200, "application/json", "{}", 200);
    })) {
      Pg.Target pg = kind == DbKind.POSTGRES ? Pg.freshDatabase() : null;
      Map<String, String> env = new HashMap<>(ServerProcess.env(dir, pg));
      env.put("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true");
      Path log = dir.resolve("server.log");
      Set<String> acknowledged;
      try (ServerProcess first = ServerProcess.start(env, log)) {
        String project = first.admin.post("/v1/projects", Map.of("name", "crash")).json().get("id").asText();
        String bot = first.admin.post("/v1/projects/" + project + "/bots",
            Map.of("name", "b", "definition", TestApp.ECHO, "publish", true)).json().get("id").asText();
        var trigger = first.admin.post("/v1/projects/" + project + "/triggers", Map.of("name", "t", "botId", bot)).json();
        first.admin.post("/v1/projects/" + project + "/subscriptions",
            Map.of("topics", List.of("message.created"), "url", receiver.url() + "/hook"));
        Http caller = first.admin.as(trigger.get("secret").asText());
        String path = "/v1/triggers/" + trigger.get("id").asText() + "/events";
        acknowledged = KillUnderLoad.sendThenKill(first, caller, 8, thread -> path, 40);
      }
      int deliveredBeforeRestart = deliveredEvents.size();
      System.out.println(kind + ": " + acknowledged.size() + " events acknowledged, " + deliveredBeforeRestart
          + " delivered before kill -9");
      assertThat(acknowledged).hasSizeGreaterThan(20);
      try (ServerProcess second = ServerProcess.start(env, log);
           Database db = pg != null ? Database.postgres(pg.url(), pg.user(), pg.password()) : Database.sqlite(dir)) {
        TestApp.eventually(120_000, () -> deliveredEvents.containsAll(acknowledged), "every acknowledged event's webhook");
        TestApp.eventually(60_000, () -> db.read(h -> h.createQuery("SELECT COUNT(*) FROM deliveries WHERE status <> 'succeeded'")
            .mapTo(Long.class).one()) == 0, "no delivery left pending");
        assertThat(second.admin.get("/readyz").status()).isEqualTo(200);
      }
    }
  }
}
