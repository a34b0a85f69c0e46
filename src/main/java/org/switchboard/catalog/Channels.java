package org.switchboard.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.switchboard.delivery.Outbox;
import org.switchboard.delivery.Signer;
import org.switchboard.model.Channel;
import org.switchboard.model.Ids;
import org.switchboard.model.Json;
import org.switchboard.model.Problem;
import org.switchboard.model.Subscription;
import org.switchboard.net.SafeHttp;
import org.switchboard.store.BotStore;
import org.switchboard.store.ChannelStore;
import org.switchboard.store.Database;
import org.switchboard.store.SubscriptionStore;

/**
 * Channels: a bot reached through another platform's API. A Botpress Messaging channel is checked by a test call to
 * its response endpoint before it is stored, and gets an ordered subscription that POSTs each bot message there.
 */
public final class Channels {
  public static final List<String> TYPES = List.of(Channel.BOTPRESS_MESSAGING);
  /** What Botpress Messaging's response endpoint receives for each bot message (a JSON template). */
  public static final JsonNode BOTPRESS_BODY = Json.read("""
      {"type": "{{message.type}}", "payload": "{{message.payload}}", "conversationId": "{{conversation.externalId}}",
       "botpressUserId": "{{contact.id}}", "botpressMessageId": "{{message.id}}",
       "botpressConversationId": "{{conversation.id}}"}""");
  static final Duration INSTALL_CHECK_TIMEOUT = Duration.ofSeconds(10);

  private final Database db;
  private final Clock clock;
  private final Subscriptions subscriptions;
  private final SafeHttp http;

  public Channels(Database db, Clock clock, Subscriptions subscriptions, SafeHttp http) {
    this.db = db;
    this.clock = clock;
    this.subscriptions = subscriptions;
    this.http = http;
  }

  public Channel create(String projectId, JsonNode body) {
    Fields f = new Fields(body);
    String type = f.text("type", true, 64);
    if (type != null && !TYPES.contains(type)) f.error("type", "must be one of " + TYPES);
    String botId = f.text("botId", true, 100);
    String url = f.text("responseEndpointUrl", true, 2000);
    f.check();
    checkBot(projectId, botId);
    String id = Ids.channel();
    Subscription s = subscriptions.build(projectId, id, subscriptionBody(url));
    installCheck(url, subscriptions.secretOf(s));
    long now = clock.millis();
    Channel channel = new Channel(id, projectId, type, botId, config(url), s.id(), now, now);
    db.writeCatalog(h -> {
      SubscriptionStore.insert(h, s);
      ChannelStore.insert(h, channel);
      return null;
    });
    return channel;
  }

  public Channel get(String id) {
    return db.read(h -> ChannelStore.find(h, id)).orElseThrow(() -> Problem.notFound("channel " + id));
  }

  /** Changes the bot or the response endpoint; a new endpoint must pass the install check first. */
  public Channel update(String id, JsonNode body) {
    Channel c = get(id);
    Fields f = new Fields(body);
    String botId = f.text("botId", false, 100);
    String url = f.text("responseEndpointUrl", false, 2000);
    f.check();
    if (botId != null) checkBot(c.projectId(), botId);
    Subscription s = subscriptions.get(c.subscriptionId());
    Subscription moved = url == null || url.equals(c.responseEndpointUrl()) ? s
        : subscriptions.changed(s, Json.object().put("url", url));
    if (moved != s) installCheck(url, subscriptions.secretOf(moved));
    Channel changed = new Channel(c.id(), c.projectId(), c.type(), botId != null ? botId : c.botId(),
        url != null ? config(url) : c.config(), c.subscriptionId(), c.createdAt(), clock.millis());
    db.writeCatalog(h -> {
      ChannelStore.update(h, changed);
      if (moved != s) SubscriptionStore.update(h, moved);
      return null;
    });
    return changed;
  }

  public void delete(String id) {
    Channel c = get(id);
    db.writeCatalog(h -> {
      ChannelStore.delete(h, c.id());
      SubscriptionStore.delete(h, c.subscriptionId());
      return null;
    });
  }

  public String secretOf(Channel c) { return subscriptions.secretOf(subscriptions.get(c.subscriptionId())); }

  private void checkBot(String projectId, String botId) {
    if (db.read(h -> BotStore.find(h, botId)).filter(b -> b.projectId().equals(projectId)).isEmpty()) {
      throw Problem.invalid("botId", "no bot " + botId + " in this project");
    }
  }

  private static ObjectNode config(String url) { return Json.object().put("responseEndpointUrl", url); }

  private static JsonNode subscriptionBody(String url) {
    ObjectNode body = Json.object().put("url", url).put("method", "POST").put("ordered", true);
    body.putArray("topics").add(Outbox.MESSAGE_CREATED);
    body.set("bodyTemplate", BOTPRESS_BODY);
    return body;
  }

  /** Botpress's install check: the endpoint must answer a signed {"type":"test","payload":"test"} with a 2xx. */
  private void installCheck(String url, String secret) {
    byte[] body = "{\"type\":\"test\",\"payload\":\"test\"}".getBytes(StandardCharsets.UTF_8);
    String messageId = Ids.next("msg_");
    long timestamp = clock.millis() / 1000;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("webhook-id", messageId);
    headers.put("webhook-timestamp", String.valueOf(timestamp));
    headers.put("webhook-signature", Signer.signature(List.of(secret), messageId, timestamp, body));
    try {
      SafeHttp.Response r = http.send("POST", URI.create(url), headers, body, INSTALL_CHECK_TIMEOUT);
      if (r.status() / 100 != 2) {
        throw Problem.invalid("responseEndpointUrl", "answered the install check with HTTP " + r.status() + "; it must answer 2xx");
      }
    } catch (SafeHttp.Failed e) {
      throw Problem.invalid("responseEndpointUrl", "the install check could not reach it: " + e.getMessage());
    }
  }
}
