package org.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.support.BothDatabases;

class ProjectsAndKeysTest extends BothDatabases {

  @Test
  void onlyTheAdminTokenCreatesProjects() {
    var created = app.admin.post("/v1/projects", Map.of("name", "Shop"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("id").asText()).startsWith("prj_");
    assertThat(created.json().get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    String project = created.json().get("id").asText();
    String adminKey = app.apiKey(project, "project.admin");
    assertThat(app.client(adminKey).post("/v1/projects", Map.of("name", "x")).status()).isEqualTo(403);
    assertThat(app.anonymous().post("/v1/projects", Map.of("name", "x")).status()).isEqualTo(401);
    assertThat(app.admin.post("/v1/projects", Map.of()).status()).isEqualTo(422);
    assertThat(app.admin.get("/v1/projects/" + project).json().get("name").asText()).isEqualTo("Shop");
  }

  @Test
  void aKeySeesOnlyItsOwnProject() {
    String mine = app.project("mine");
    String theirs = app.project("theirs");
    String key = app.apiKey(mine, "project.read");
    var list = app.client(key).get("/v1/projects").json();
    assertThat(list.get("items")).hasSize(1);
    assertThat(list.get("items").get(0).get("id").asText()).isEqualTo(mine);
    assertThat(app.client(key).get("/v1/projects/" + theirs).status()).isEqualTo(403);
    assertThat(app.client(key).get("/v1/projects/" + mine).status()).isEqualTo(200);
  }

  @Test
  void keysAreShownOnceAndDeletedKeysStopAtOnce() {
    String project = app.project("keys");
    var created = app.admin.post("/v1/projects/" + project + "/api-keys",
        Map.of("name", "ci", "permissions", List.of("project.read", "project.trigger")));
    assertThat(created.status()).isEqualTo(201);
    String key = created.json().get("key").asText();
    String keyId = created.json().get("id").asText();
    assertThat(created.json().get("permissions")).hasSize(2);
    var listed = app.admin.get("/v1/projects/" + project + "/api-keys");
    assertThat(listed.body()).doesNotContain(key).contains(keyId);
    assertThat(listed.json().get("items").get(0).has("key")).isFalse();
    assertThat(app.client(key).get("/v1/projects/" + project).status()).isEqualTo(200);
    assertThat(app.admin.delete("/v1/projects/" + project + "/api-keys/" + keyId).status()).isEqualTo(204);
    assertThat(app.client(key).get("/v1/projects/" + project).status()).isEqualTo(401);
    assertThat(app.admin.delete("/v1/projects/" + project + "/api-keys/" + keyId).status()).isEqualTo(404);
  }

  @Test
  void permissionsAreChecked() {
    String project = app.project("perms");
    var bad = app.admin.post("/v1/projects/" + project + "/api-keys", Map.of("name", "x", "permissions", List.of("root")));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("errors").get(0).get("path").asText()).isEqualTo("permissions[0]");
    String reader = app.apiKey(project, "project.read");
    String admin = app.apiKey(project, "project.admin");
    var keyBody = Map.of("name", "y", "permissions", List.of("project.read"));
    assertThat(app.client(reader).post("/v1/projects/" + project + "/api-keys", keyBody).status()).isEqualTo(403);
    assertThat(app.client(admin).post("/v1/projects/" + project + "/api-keys", keyBody).status()).isEqualTo(201);
    // project.admin implies project.read
    assertThat(app.client(admin).get("/v1/projects/" + project + "/triggers").status()).isEqualTo(200);
    // x-api-key works like a bearer token
    var viaHeader = app.anonymous().send("GET", "/v1/projects/" + project, null, Map.of("x-api-key", reader));
    assertThat(viaHeader.status()).isEqualTo(200);
  }

  @Test
  void listsPageWithCursors() {
    String project = app.project("paging");
    String bot = app.bot(project, org.switchboard.support.TestApp.ECHO);
    for (int i = 0; i < 5; i++) app.trigger(project, bot, Map.of());
    var first = app.admin.get("/v1/projects/" + project + "/triggers?limit=2").json();
    assertThat(first.get("items")).hasSize(2);
    String cursor = first.get("nextCursor").asText();
    var second = app.admin.get("/v1/projects/" + project + "/triggers?limit=2&cursor=" + cursor).json();
    var third = app.admin.get("/v1/projects/" + project + "/triggers?limit=2&cursor=" + second.get("nextCursor").asText()).json();
    assertThat(third.get("items")).hasSize(1);
    assertThat(third.get("nextCursor").isNull()).isTrue();
    assertThat(second.get("items").get(0).get("id")).isNotEqualTo(first.get("items").get(1).get("id"));
  }
}
