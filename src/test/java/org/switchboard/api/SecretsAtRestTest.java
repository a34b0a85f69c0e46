package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;
import org.switchboard.support.TestApp;

/** Secrets never sit in the database in clear. */
class SecretsAtRestTest extends BothDatabases {

  @Test
  void apiKeysAreStoredAsHashes() {
    String project = app.project("hashes");
    String key = app.apiKey(project, "project.read");
    List<String> stored = app.app.core().db().read(h -> h.createQuery("SELECT key_hash FROM api_keys").mapTo(String.class).list());
    assertThat(stored).isNotEmpty().noneMatch(v -> v.contains(key) || key.contains(v));
    String everything = dump();
    assertThat(everything).doesNotContain(key);
  }

  @Test
  void triggerSecretsAreEncryptedAndStillShownToTheirOwner() {
    String project = app.project("sealed");
    var trigger = app.trigger(project, app.bot(project, TestApp.ECHO), Map.of());
    String secret = trigger.get("secret").asText();
    assertThat(dump()).doesNotContain(secret);
    assertThat(app.admin.get("/v1/triggers/" + trigger.get("id").asText()).json().get("secret").asText()).isEqualTo(secret);
    String reader = app.apiKey(project, "project.read");
    assertThat(app.client(reader).get("/v1/triggers/" + trigger.get("id").asText()).json().has("secret")).isFalse();
  }

  @Test
  void theAdminTokenIsNotStored() {
    assertThat(dump()).doesNotContain(TestApp.ADMIN);
  }

  private static String dump() {
    return app.app.core().db().read(h -> {
      StringBuilder all = new StringBuilder();
      for (String table : List.of("settings", "api_keys", "triggers", "projects")) {
        h.createQuery("SELECT * FROM " + table).mapToMap().forEach(row -> all.append(row).append('\n'));
      }
      return all.toString();
    });
  }
}
