package org.switchboard.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.Channel;
import org.switchboard.model.Json;

public final class ChannelStore {
  private static final RowMapper<Channel> CHANNEL = (rs, ctx) -> new Channel(rs.getString("id"),
      rs.getString("project_id"), rs.getString("type"), rs.getString("bot_id"), Json.read(rs.getString("config")),
      rs.getString("subscription_id"), rs.getLong("created_at"), rs.getLong("updated_at"));

  private ChannelStore() {}

  public static void insert(Handle h, Channel c) {
    h.createUpdate("INSERT INTO channels (id, project_id, type, bot_id, config, subscription_id, created_at, updated_at) "
            + "VALUES (:id, :p, :type, :bot, :config, :sub, :created, :updated)")
        .bind("id", c.id()).bind("p", c.projectId()).bind("type", c.type()).bind("bot", c.botId())
        .bind("config", Json.write(c.config())).bind("sub", c.subscriptionId()).bind("created", c.createdAt())
        .bind("updated", c.updatedAt()).execute();
  }

  public static void update(Handle h, Channel c) {
    h.createUpdate("UPDATE channels SET bot_id = :bot, config = :config, updated_at = :updated WHERE id = :id")
        .bind("bot", c.botId()).bind("config", Json.write(c.config())).bind("updated", c.updatedAt())
        .bind("id", c.id()).execute();
  }

  public static Optional<Channel> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM channels WHERE id = :id").bind("id", id).map(CHANNEL).findOne();
  }

  public static List<Channel> list(Handle h, String projectId, String before, int limit) {
    return h.createQuery("SELECT * FROM channels WHERE project_id = :p AND (:before IS NULL OR id < :before) "
            + "ORDER BY id DESC LIMIT :limit")
        .bind("p", projectId).bind("before", before).bind("limit", limit).map(CHANNEL).list();
  }

  public static boolean delete(Handle h, String id) {
    h.createUpdate("DELETE FROM sessions WHERE scope_id = :id").bind("id", id).execute();
    return h.createUpdate("DELETE FROM channels WHERE id = :id").bind("id", id).execute() > 0;
  }
}
