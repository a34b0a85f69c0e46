package org.switchboard.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.Bot;
import org.switchboard.model.BotVersion;
import org.switchboard.model.Json;

public final class BotStore {
  private static final RowMapper<Bot> BOT = (rs, ctx) -> new Bot(rs.getString("id"), rs.getString("project_id"),
      rs.getString("name"), rs.getString("bot_key"), Json.read(rs.getString("draft")),
      Rows.nullableInt(rs, "published_version"), rs.getLong("created_at"), rs.getLong("updated_at"));
  private static final RowMapper<BotVersion> VERSION = (rs, ctx) -> new BotVersion(rs.getString("bot_id"),
      rs.getInt("version"), Json.read(rs.getString("definition")), rs.getLong("published_at"));

  private BotStore() {}

  public static void insert(Handle h, Bot b) {
    h.createUpdate("INSERT INTO bots (id, project_id, name, bot_key, bot_key_lower, draft, published_version, created_at, updated_at) "
            + "VALUES (:id, :projectId, :name, :key, :keyLower, :draft, NULL, :createdAt, :updatedAt)")
        .bind("id", b.id()).bind("projectId", b.projectId()).bind("name", b.name()).bind("key", b.key())
        .bind("keyLower", b.key().toLowerCase()).bind("draft", Json.write(b.draft()))
        .bind("createdAt", b.createdAt()).bind("updatedAt", b.updatedAt()).execute();
  }

  public static boolean keyTaken(Handle h, String projectId, String key) {
    return h.createQuery("SELECT COUNT(*) FROM bots WHERE project_id = :p AND bot_key_lower = :k")
        .bind("p", projectId).bind("k", key.toLowerCase()).mapTo(Long.class).one() > 0;
  }

  public static Optional<Bot> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM bots WHERE id = :id").bind("id", id).map(BOT).findOne();
  }

  public static Optional<Bot> findByKey(Handle h, String projectId, String key) {
    return h.createQuery("SELECT * FROM bots WHERE project_id = :p AND bot_key_lower = :k")
        .bind("p", projectId).bind("k", key.toLowerCase()).map(BOT).findOne();
  }

  public static List<Bot> list(Handle h, String projectId, String before, int limit) {
    return h.createQuery("SELECT * FROM bots WHERE project_id = :p AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
        .bind("p", projectId).bind("before", before).bind("limit", limit).map(BOT).list();
  }

  public static void updateDraft(Handle h, String id, String draftJson, long now) {
    h.createUpdate("UPDATE bots SET draft = :d, updated_at = :now WHERE id = :id")
        .bind("d", draftJson).bind("now", now).bind("id", id).execute();
  }

  /** Freezes the draft as the next version; the bot row lock orders concurrent publishes. */
  public static BotVersion publish(Handle h, String botId, String dialectForUpdate, long now) {
    String draft = h.createQuery("SELECT draft FROM bots WHERE id = :id" + dialectForUpdate)
        .bind("id", botId).mapTo(String.class).one();
    int next = h.createQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM bot_versions WHERE bot_id = :id")
        .bind("id", botId).mapTo(Integer.class).one();
    h.createUpdate("INSERT INTO bot_versions (bot_id, version, definition, published_at) VALUES (:id, :v, :d, :now)")
        .bind("id", botId).bind("v", next).bind("d", draft).bind("now", now).execute();
    h.createUpdate("UPDATE bots SET published_version = :v, updated_at = :now WHERE id = :id")
        .bind("v", next).bind("now", now).bind("id", botId).execute();
    return new BotVersion(botId, next, Json.read(draft), now);
  }

  public static Optional<BotVersion> version(Handle h, String botId, int version) {
    return h.createQuery("SELECT * FROM bot_versions WHERE bot_id = :id AND version = :v")
        .bind("id", botId).bind("v", version).map(VERSION).findOne();
  }

  public static List<BotVersion> versions(Handle h, String botId) {
    return h.createQuery("SELECT * FROM bot_versions WHERE bot_id = :id ORDER BY version DESC")
        .bind("id", botId).map(VERSION).list();
  }
}
