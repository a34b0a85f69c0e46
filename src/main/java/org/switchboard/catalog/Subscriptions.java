package org.switchboard.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.switchboard.auth.Secrets;
import org.switchboard.delivery.Outbox;
import org.switchboard.delivery.Signer;
import org.switchboard.model.BoundedCache;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Subscription;
import org.switchboard.runtime.Templates;
import org.switchboard.store.Database;
import org.switchboard.store.OutboxStore;
import org.switchboard.store.SubscriptionStore;

/** Subscriptions: where notifications go, and the secrets that sign them. */
public final class Subscriptions {
  public static final long ROTATION_OVERLAP_MS = 24L * 3600 * 1000;
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> RESERVED_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature",
      "host", "content-length", "connection", "transfer-encoding");

  private final Database db;
  private final Clock clock;
  private final Secrets secrets;

  public Subscriptions(Database db, Clock clock, Secrets secrets) {
    this.db = db;
    this.clock = clock;
    this.secrets = secrets;
  }

  public Subscription create(String projectId, JsonNode body) {
    Subscription s = build(projectId, null, body);
    db.writeCatalog(h -> {
      SubscriptionStore.insert(h, s);
      return null;
    });
    return s;
  }

  /**
   * A validated new subscription, not yet stored; with {@code channelId} it takes only that channel's conversations
   * (the caller stores it with its channel).
   */
  public Subscription build(String projectId, String channelId, JsonNode body) {
    long now = clock.millis();
    Subscription blank = new Subscription(Ids.subscription(), projectId, List.of(), "", "POST", null, null, channelId,
        Json.object(), Json.object(), null, false, Subscription.ACTIVE, null, secrets.encrypt(Signer.newSecret()), null,
        null, null, Json.object(), now, now);
    return apply(blank, body, true);
  }

  /** A validated change, not yet stored. */
  public Subscription changed(Subscription s, JsonNode body) { return apply(s, body, false); }

  public Subscription get(String id) {
    return db.read(h -> SubscriptionStore.find(h, id)).orElseThrow(() -> Problem.notFound("subscription " + id));
  }

  public Subscription update(String id, JsonNode body) {
    Subscription changed = changed(get(id), body);
    db.writeCatalog(h -> {
      SubscriptionStore.update(h, changed);
      return null;
    });
    return changed;
  }

  public void delete(String id) {
    if (!db.writeCatalog(h -> SubscriptionStore.delete(h, id))) throw Problem.notFound("subscription " + id);
  }

  /** A new secret; the old one keeps signing alongside it for 24 hours. */
  public String rotateSecret(String id) {
    Subscription s = get(id);
    String secret = Signer.newSecret();
    long now = clock.millis();
    Subscription rotated = new Subscription(s.id(), s.projectId(), s.topics(), s.url(), s.method(), s.botId(),
        s.contactExternalId(), s.channelId(), s.headers(), s.queryParams(), s.bodyTemplate(), s.ordered(), s.status(), s.disabledReason(),
        secrets.encrypt(secret), s.secretSealed(), now + ROTATION_OVERLAP_MS, s.failingSince(), s.meta(), s.createdAt(), now);
    db.writeCatalog(h -> {
      SubscriptionStore.update(h, rotated);
      return null;
    });
    return secret;
  }

  public String secretOf(Subscription s) { return secrets.decrypt(s.secretSealed()); }

  /** The secrets that sign now: the current one, and the previous one during its overlap. */
  public List<String> signingSecrets(Subscription s, long now) {
    List<String> out = new ArrayList<>(List.of(unsealed(s.secretSealed())));
    if (s.previousSecretSealed() != null && s.previousSecretUntil() != null && s.previousSecretUntil() > now) {
      out.add(unsealed(s.previousSecretSealed()));
    }
    return out;
  }

  /** Decrypting on every delivery would cost more than signing; sealed values are unique, so they key a cache. */
  private String unsealed(String sealed) {
    return unsealedCache.get(sealed, secrets::decrypt);
  }

  private final BoundedCache<String, String> unsealedCache = new BoundedCache<>(10_000);

  public void retryDelivery(String deliveryId) {
    switch (db.write(h -> OutboxStore.retry(h, deliveryId, clock.millis()))) {
      case RETRIED -> { }
      case IN_FLIGHT -> throw Problem.conflict("delivery " + deliveryId + " is being sent now; retry it once this attempt has settled");
      case NOT_FOUND -> throw Problem.notFound("delivery " + deliveryId);
    }
  }

  private Subscription apply(Subscription s, JsonNode body, boolean creating) {
    Fields f = new Fields(body);
    List<String> topics = s.topics();
    if (f.has("topics") || creating) {
      JsonNode list = f.raw("topics");
      if (list == null || !list.isArray() || list.isEmpty()) {
        f.error("topics", "must be a non-empty list of topics, e.g. [\"message.created\"]");
      } else {
        topics = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          String t = list.get(i).asText("");
          boolean known = Outbox.TOPICS.contains(t) || t.equals("*") || t.equals("custom.*")
              || t.matches("custom\\.[A-Za-z0-9_.-]+");
          if (!known) f.error("topics[" + i + "]", "unknown topic '" + t + "'; expected one of " + Outbox.TOPICS + ", custom.<name>, custom.* or *");
          else topics.add(t);
        }
      }
    }
    String url = f.text("url", creating, 2000);
    if (url != null) {
      try {
        URI uri = URI.create(url);
        if (uri.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) f.error("url", "must be an http or https URL");
      } catch (IllegalArgumentException e) {
        f.error("url", "is not a URL");
      }
    }
    String method = f.text("method", false, 10);
    if (method != null && !METHODS.contains(method.toUpperCase())) f.error("method", "must be one of " + METHODS);
    String botId = f.has("botId") ? f.text("botId", false, 100) : s.botId();
    String contact = f.has("contactExternalId") ? f.text("contactExternalId", false, 200) : s.contactExternalId();
    JsonNode headers = f.has("headers") ? stringMap(f, "headers", true) : s.headers();
    JsonNode query = f.has("queryParams") ? stringMap(f, "queryParams", false) : s.queryParams();
    JsonNode template = f.has("bodyTemplate") ? bodyTemplate(f) : s.bodyTemplate();
    Boolean ordered = f.bool("ordered");
    String status = s.status();
    String reason = s.disabledReason();
    if (!creating && f.has("status")) {
      status = f.text("status", false, 20);
      if (!Subscription.ACTIVE.equals(status) && !Subscription.DISABLED.equals(status)) f.error("status", "must be active or disabled");
      reason = Subscription.DISABLED.equals(status) ? "disabled by hand" : null;
    }
    JsonNode meta = f.has("meta") ? f.object("meta") : s.meta();
    f.check();
    return new Subscription(s.id(), s.projectId(), topics, url != null ? url : s.url(),
        method != null ? method.toUpperCase() : s.method(), botId, contact, s.channelId(), headers, query, template,
        ordered != null ? ordered : s.ordered(), status, reason, s.secretSealed(), s.previousSecretSealed(),
        s.previousSecretUntil(), Subscription.ACTIVE.equals(status) ? null : s.failingSince(),
        meta == null ? Json.object() : meta, s.createdAt(), clock.millis());
  }

  /** A text template, or a JSON template: an object or array whose strings are templates. */
  private static JsonNode bodyTemplate(Fields f) {
    JsonNode raw = f.raw("bodyTemplate");
    if (raw == null || raw.isNull()) return null;
    if (!raw.isTextual() && !raw.isContainerNode()) return f.error("bodyTemplate", "must be a string, an object or an array");
    if (Json.write(raw).length() > 100_000) return f.error("bodyTemplate", "must be at most 100000 characters");
    String problem = Templates.checkAll(raw);
    if (problem != null) f.error("bodyTemplate", problem);
    return raw;
  }

  private static JsonNode stringMap(Fields f, String name, boolean headers) {
    JsonNode value = f.object(name);
    ObjectNode out = Json.object();
    if (value == null) return out;
    value.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual() && !e.getValue().isNumber() && !e.getValue().isBoolean()) {
        f.error(name + "." + e.getKey(), "must be a string");
      } else if (headers && (RESERVED_HEADERS.contains(e.getKey().toLowerCase()) || !e.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+"))) {
        f.error(name + "." + e.getKey(), "cannot be set");
      } else {
        out.put(e.getKey(), e.getValue().asText());
      }
    });
    return out;
  }
}
