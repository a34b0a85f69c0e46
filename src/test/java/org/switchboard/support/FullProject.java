package org.switchboard.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A project with one of everything an endpoint can address: bot, trigger (key {@link #TRIGGER_KEY}), a completed
 * event with its conversation and contact, a subscription with a delivery to {@code receiver}, a channel and a spare
 * API key. {@code ids} maps each path parameter name to its id. The project's name is a unique marker, so that a
 * leak of it can be found in any answer. The node must allow private webhook targets.
 */
public record FullProject(Map<String, String> ids, String triggerSecret, String marker) {
  public static final String TRIGGER_KEY = "every";

  public static FullProject create(TestApp app, LocalServer receiver) {
    String marker = "marker" + System.nanoTime();
    String project = app.project(marker);
    String bot = app.bot(project, TestApp.ECHO);
    JsonNode trigger = app.trigger(project, bot, Map.of("key", TRIGGER_KEY, "name", marker));
    String subscription = app.admin.post("/v1/projects/" + project + "/subscriptions",
        Map.of("url", receiver.url() + "/m", "topics", List.of("*"))).json().get("id").asText();
    JsonNode event = app.client(trigger.get("secret").asText()).post("/v1/triggers/" + trigger.get("id").asText()
        + "/events?contact.email=" + marker + "@example.com", Map.of("note", marker)).json();
    app.awaitEvent(event.get("eventId").asText(), "completed");
    JsonNode conversation = app.admin.get("/v1/conversations/" + event.get("conversationId").asText()).json();
    String channel = app.admin.post("/v1/projects/" + project + "/channels", Map.of("type", "botpress-messaging",
        "botId", bot, "responseEndpointUrl", receiver.url() + "/bp")).json().get("id").asText();
    String spareKey = app.admin.post("/v1/projects/" + project + "/api-keys",
        Map.of("name", "spare", "permissions", List.of("project.read"))).json().get("id").asText();
    TestApp.eventually(10_000, () -> app.admin.get("/v1/subscriptions/" + subscription + "/deliveries").json()
        .get("items").size() > 0, "a delivery");
    String delivery = app.admin.get("/v1/subscriptions/" + subscription + "/deliveries").json().get("items").get(0)
        .get("id").asText();
    Map<String, String> ids = new HashMap<>(Map.of("projectId", project, "botId", bot,
        "triggerId", trigger.get("id").asText(), "key", TRIGGER_KEY, "eventId", event.get("eventId").asText(),
        "conversationId", conversation.get("id").asText(), "contactId", conversation.get("contactId").asText(),
        "subscriptionId", subscription, "channelId", channel, "keyId", spareKey));
    ids.put("deliveryId", delivery);
    return new FullProject(Map.copyOf(ids), trigger.get("secret").asText(), marker);
  }

  public String projectId() { return ids.get("projectId"); }
}
