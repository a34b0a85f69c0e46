package org.switchboard.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.ApiKey;
import org.switchboard.model.Json;
import org.switchboard.model.Project;

/** Projects, their API keys, and instance-wide settings. */
public final class ProjectStore {
  private static final RowMapper<Project> PROJECT =
      (rs, ctx) -> new Project(rs.getString("id"), rs.getString("name"), rs.getLong("created_at"));
  private static final RowMapper<ApiKey> KEY = (rs, ctx) -> new ApiKey(rs.getString("id"), rs.getString("project_id"),
      rs.getString("name"), Json.MAPPER.convertValue(Json.read(rs.getString("permissions")), new TypeReference<List<String>>() {}),
      rs.getLong("created_at"));

  private ProjectStore() {}

  public static void insert(Handle h, Project p) {
    h.createUpdate("INSERT INTO projects (id, name, created_at) VALUES (:id, :name, :createdAt)")
        .bindMethods(p).execute();
  }

  public static Optional<Project> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM projects WHERE id = :id").bind("id", id).map(PROJECT).findOne();
  }

  /** Newest first; {@code projectId} narrows to one project (for a project key). */
  public static List<Project> list(Handle h, String onlyProjectId, String before, int limit) {
    return h.createQuery("SELECT * FROM projects WHERE (:only IS NULL OR id = :only) AND (:before IS NULL OR id < :before) "
            + "ORDER BY id DESC LIMIT :limit")
        .bind("only", onlyProjectId).bind("before", before).bind("limit", limit).map(PROJECT).list();
  }

  public static boolean any(Handle h) {
    return h.createQuery("SELECT COUNT(*) FROM projects").mapTo(Long.class).one() > 0;
  }

  public static void insertKey(Handle h, ApiKey key, String keyHash) {
    h.createUpdate("INSERT INTO api_keys (id, project_id, name, permissions, key_hash, created_at) "
            + "VALUES (:id, :projectId, :name, :permissions, :hash, :createdAt)")
        .bind("id", key.id()).bind("projectId", key.projectId()).bind("name", key.name())
        .bind("permissions", Json.write(key.permissions())).bind("hash", keyHash).bind("createdAt", key.createdAt())
        .execute();
  }

  public static Optional<ApiKey> findKeyByHash(Handle h, String keyHash) {
    return h.createQuery("SELECT * FROM api_keys WHERE key_hash = :hash").bind("hash", keyHash).map(KEY).findOne();
  }

  public static List<ApiKey> listKeys(Handle h, String projectId) {
    return h.createQuery("SELECT * FROM api_keys WHERE project_id = :p ORDER BY id").bind("p", projectId).map(KEY).list();
  }

  public static boolean deleteKey(Handle h, String projectId, String keyId) {
    return h.createUpdate("DELETE FROM api_keys WHERE project_id = :p AND id = :id")
        .bind("p", projectId).bind("id", keyId).execute() > 0;
  }

  public static Optional<String> setting(Handle h, String name) {
    return h.createQuery("SELECT value FROM settings WHERE name = :n").bind("n", name).mapTo(String.class).findOne();
  }

  /** Stores the value unless one exists; returns the value that is stored afterwards. */
  public static String settingIfAbsent(Handle h, String name, String value) {
    h.createUpdate("INSERT INTO settings (name, value) VALUES (:n, :v) ON CONFLICT (name) DO NOTHING")
        .bind("n", name).bind("v", value).execute();
    return setting(h, name).orElseThrow();
  }
}
