package org.switchboard.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.switchboard.auth.Permission;
import org.switchboard.auth.Secrets;
import org.switchboard.model.ApiKey;
import org.switchboard.model.Ids;
import org.switchboard.model.Problem;
import org.switchboard.model.Project;
import org.switchboard.store.Database;
import org.switchboard.store.ProjectStore;

/** Projects and their API keys. */
public final class Projects {
  public record NewKey(ApiKey key, String secret) {}

  private final Database db;
  private final Clock clock;

  public Projects(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public Project create(JsonNode body) {
    Fields f = new Fields(body);
    String name = f.text("name", true, 200);
    f.check();
    Project project = new Project(Ids.project(), name, clock.millis());
    db.writeCatalog(h -> {
      ProjectStore.insert(h, project);
      return null;
    });
    return project;
  }

  public Project get(String id) {
    return db.read(h -> ProjectStore.find(h, id)).orElseThrow(() -> Problem.notFound("project " + id));
  }

  public NewKey createKey(String projectId, JsonNode body) {
    get(projectId);
    Fields f = new Fields(body);
    String name = f.text("name", true, 200);
    List<String> permissions = new ArrayList<>();
    JsonNode list = f.raw("permissions");
    if (list == null || !list.isArray() || list.isEmpty()) {
      f.error("permissions", "must be a non-empty list of " + allPermissions());
    } else {
      for (int i = 0; i < list.size(); i++) {
        String p = list.get(i).asText();
        if (Permission.parse(p).isEmpty()) f.error("permissions[" + i + "]", "unknown permission '" + p + "'; expected one of " + allPermissions());
        else if (!permissions.contains(p)) permissions.add(p);
      }
    }
    f.check();
    String secret = Secrets.token("sk_");
    ApiKey key = new ApiKey(Ids.apiKey(), projectId, name, List.copyOf(permissions), clock.millis());
    db.writeCatalog(h -> {
      ProjectStore.insertKey(h, key, Secrets.hash(secret));
      return null;
    });
    return new NewKey(key, secret);
  }

  public List<ApiKey> keys(String projectId) {
    get(projectId);
    return db.read(h -> ProjectStore.listKeys(h, projectId));
  }

  public void deleteKey(String projectId, String keyId) {
    boolean deleted = db.writeCatalog(h -> ProjectStore.deleteKey(h, projectId, keyId));
    if (!deleted) throw Problem.notFound("API key " + keyId);
  }

  private static List<String> allPermissions() {
    return java.util.Arrays.stream(Permission.values()).map(Permission::wireName).toList();
  }
}
