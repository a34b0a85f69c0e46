package org.switchboard.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Projects, keys, bots and triggers made through the API of any node, as a user would. */
public final class Fixtures {
  private Fixtures() {}

  /** Creates a project and returns its id. */
  public static String project(Http admin, String name) {
    return created(admin.post("/v1/projects", Map.of("name", name))).get("id").asText();
  }

  /** Creates an API key with these permissions; returns the key itself. */
  public static String apiKey(Http admin, String projectId, String... permissions) {
    return created(admin.post("/v1/projects/" + projectId + "/api-keys",
        Map.of("name", "k", "permissions", List.of(permissions)))).get("key").asText();
  }

  /** Creates and publishes a bot from a YAML flow; returns its id. */
  public static String bot(Http admin, String projectId, String yaml) {
    return created(admin.post("/v1/projects/" + projectId + "/bots", Map.of("name", "bot-" + System.nanoTime(),
        "definition", yaml, "publish", true))).get("id").asText();
  }

  /** Creates a trigger with extra fields; returns the whole answer. */
  public static JsonNode trigger(Http admin, String projectId, String botId, Map<String, Object> fields) {
    Map<String, Object> body = new HashMap<>(fields);
    body.putIfAbsent("name", "trigger-" + System.nanoTime());
    body.put("botId", botId);
    return created(admin.post("/v1/projects/" + projectId + "/triggers", body));
  }

  private static JsonNode created(Http.Response r) {
    if (r.status() != 201) throw new AssertionError(r.toString());
    return r.json();
  }
}
