package org.switchboard.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.switchboard.model.Json;
import org.switchboard.model.Subscription;

public final class SubscriptionStore {
  private static final RowMapper<Subscription> SUBSCRIPTION = (rs, ctx) -> new Subscription(rs.getString("id"),
      rs.getString("project_id"), Json.MAPPER.convertValue(Json.read(rs.getString("topics")), new TypeReference<List<String>>() {}),
      rs.getString("url"), rs.getString("method"), rs.getString("bot_id"), rs.getString("contact_external_id"),
      rs.getString("channel_id"), Json.read(rs.getString("headers")), Json.read(rs.getString("query_params")),
      template(rs.getString("body_template"), Rows.flag(rs, "body_json")),
      Rows.flag(rs, "ordered"), rs.getString("status"), rs.getString("disabled_reason"), rs.getString("secret_enc"),
      rs.getString("previous_secret_enc"), Rows.nullableLong(rs, "previous_secret_until"),
      Rows.nullableLong(rs, "failing_since"), Json.read(rs.getString("meta")), rs.getLong("created_at"),
      rs.getLong("updated_at"));

  private SubscriptionStore() {}

  private static com.fasterxml.jackson.databind.JsonNode template(String stored, boolean json) {
    if (stored == null) return null;
    return json ? Json.read(stored) : com.fasterxml.jackson.databind.node.TextNode.valueOf(stored);
  }

  public static void insert(Handle h, Subscription s) {
    h.createUpdate("INSERT INTO subscriptions (id, project_id, topics, url, method, bot_id, contact_external_id, channel_id, "
            + "headers, query_params, body_template, body_json, ordered, status, disabled_reason, secret_enc, previous_secret_enc, "
            + "previous_secret_until, failing_since, meta, created_at, updated_at) VALUES (:id, :projectId, :topics, :url, "
            + ":method, :botId, :contact, :channelId, :headers, :query, :template, :bodyJson, :ordered, :status, :reason, :secret, :previous, "
            + ":previousUntil, :failingSince, :meta, :createdAt, :updatedAt)")
        .bindMap(columns(s)).execute();
  }

  public static void update(Handle h, Subscription s) {
    h.createUpdate("UPDATE subscriptions SET topics = :topics, url = :url, method = :method, bot_id = :botId, "
            + "contact_external_id = :contact, headers = :headers, query_params = :query, body_template = :template, body_json = :bodyJson, "
            + "ordered = :ordered, status = :status, disabled_reason = :reason, secret_enc = :secret, "
            + "previous_secret_enc = :previous, previous_secret_until = :previousUntil, failing_since = :failingSince, "
            + "meta = :meta, updated_at = :updatedAt WHERE id = :id")
        .bindMap(columns(s)).execute();
  }

  private static Map<String, Object> columns(Subscription s) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", s.id());
    m.put("projectId", s.projectId());
    m.put("topics", Json.write(s.topics()));
    m.put("url", s.url());
    m.put("method", s.method());
    m.put("botId", s.botId());
    m.put("contact", s.contactExternalId());
    m.put("headers", Json.write(s.headers()));
    m.put("query", Json.write(s.queryParams()));
    var template = s.bodyTemplate();
    m.put("template", template == null ? null : template.isTextual() ? template.asText() : Json.write(template));
    m.put("bodyJson", Rows.flag(template != null && !template.isTextual()));
    m.put("channelId", s.channelId());
    m.put("ordered", Rows.flag(s.ordered()));
    m.put("status", s.status());
    m.put("reason", s.disabledReason());
    m.put("secret", s.secretSealed());
    m.put("previous", s.previousSecretSealed());
    m.put("previousUntil", s.previousSecretUntil());
    m.put("failingSince", s.failingSince());
    m.put("meta", Json.write(s.meta()));
    m.put("createdAt", s.createdAt());
    m.put("updatedAt", s.updatedAt());
    return m;
  }

  public static Optional<Subscription> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM subscriptions WHERE id = :id").bind("id", id).map(SUBSCRIPTION).findOne();
  }

  public static List<Subscription> byIds(Handle h, java.util.Collection<String> ids) {
    if (ids.isEmpty()) return List.of();
    return h.createQuery("SELECT * FROM subscriptions WHERE id IN (<ids>)").bindList("ids", List.copyOf(ids))
        .map(SUBSCRIPTION).list();
  }

  public static List<Subscription> active(Handle h, String projectId) {
    return h.createQuery("SELECT * FROM subscriptions WHERE project_id = :p AND status = 'active'")
        .bind("p", projectId).map(SUBSCRIPTION).list();
  }

  public static List<Subscription> list(Handle h, String projectId, String before, int limit) {
    return h.createQuery("SELECT * FROM subscriptions WHERE project_id = :p AND (:before IS NULL OR id < :before) "
            + "ORDER BY id DESC LIMIT :limit")
        .bind("p", projectId).bind("before", before).bind("limit", limit).map(SUBSCRIPTION).list();
  }

  public static boolean delete(Handle h, String id) {
    h.createUpdate("DELETE FROM deliveries WHERE subscription_id = :id AND status = 'pending'").bind("id", id).execute();
    return h.createUpdate("DELETE FROM subscriptions WHERE id = :id").bind("id", id).execute() > 0;
  }

  /** True when the subscription was not failing before. */
  public static boolean markFailing(Handle h, String id, long since) {
    return h.createUpdate("UPDATE subscriptions SET failing_since = :since WHERE id = :id AND failing_since IS NULL")
        .bind("since", since).bind("id", id).execute() > 0;
  }

  /** True when the subscription was failing before. */
  public static boolean markHealthy(Handle h, String id) {
    return h.createUpdate("UPDATE subscriptions SET failing_since = NULL WHERE id = :id AND failing_since IS NOT NULL")
        .bind("id", id).execute() > 0;
  }

  /** Disables an active subscription; false when it was not active any more. */
  public static boolean disable(Handle h, String id, String reason, long now) {
    return h.createUpdate("UPDATE subscriptions SET status = 'disabled', disabled_reason = :r, updated_at = :now "
            + "WHERE id = :id AND status = 'active'")
        .bind("r", reason).bind("now", now).bind("id", id).execute() > 0;
  }
}
